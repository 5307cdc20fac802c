#!/bin/sh

test_description='t1012: kvs checkpoint on sync and at unload: exported from the Flux ENOSPC playground (t1012-kvs-checkpoint.ts); each step expects what the model did'

# Append --logfile option if FLUX_TESTS_LOGFILE is set in environment:
test -n "$FLUX_TESTS_LOGFILE" && set -- "$@" --logfile --debug
. `dirname $0`/sharness.sh

# the model's statedir filesystem holds 8388608 bytes: a tmpfs of that size, where flux-core's tests mount theirs
fs=${FLUX_TEST_TMPFS:-/test/tmpfs-8m}
if ! ls "$fs" >/dev/null; then
	skip_all="skipping: no 8m tmpfs directory mounted at $fs"
	test_done
fi
statedir="$fs/statedir"

# The instance runs in the background while the steps talk to it (FLUX_URI): its initial program writes
# the URI and waits for ./stop (its end, as a script given to flux start ends) or for the broker to go.
FLUX_START_ARGS=""
flux_instance_start() {
	starts=$((${starts:-0} + 1)) &&
	rm -f uri stop &&
	{ flux start $FLUX_START_ARGS -Sstatedir="$statedir" -Slog-filename="$PWD/broker-$starts.log" ./initial-program.sh >broker-$starts.out 2>&1 & }
	broker_pid=$!
	while test ! -e uri && kill -0 $broker_pid 2>/dev/null; do sleep 0.1; done
	test -e uri || { wait $broker_pid; cat broker-$starts.out; return 1; }
	FLUX_URI=$(cat uri) && export FLUX_URI
}
flux_instance_stop() {
	touch stop &&
	wait $broker_pid
	code=$?
	unset FLUX_URI
	echo "flux: flux start exited $code" &&
	test $code -eq $1
}
flux_instance_crash() {
	kill -9 $(flux getattr broker.pid) &&
	wait $broker_pid
	unset FLUX_URI
}
# the model's dmesg spans every start of the instance; flux dmesg keeps one start's last ~1,024 lines: grep the log files
flux_log_count() { cat broker-*.log 2>/dev/null | grep -c "$@"; }


test_expect_success 'create the statedir on the small tmpfs, and the payloads' '
	rm -rf "$fs"/* &&
	mkdir "$statedir" &&
	cat >initial-program.sh <<-\EOT &&
	#!/bin/sh
	printenv FLUX_URI >uri.new && mv uri.new uri
	while test ! -e stop && kill -0 $PPID 2>/dev/null; do sleep 0.1; done
	EOT
	chmod +x initial-program.sh
'

test_expect_success 'line 5: flux start (rc1 done, the initial program runs)' '
	flux_instance_start
'

test_expect_success 'line 9: flux kvs put of dir0.key0' '
	flux kvs put '\''dir0.key0'\''='\''value 0'\''
'

test_expect_success 'line 9: flux kvs put of dir1.key1' '
	flux kvs put '\''dir1.key1'\''='\''value 1'\''
'

test_expect_success 'line 9: flux kvs put of dir2.key2' '
	flux kvs put '\''dir2.key2'\''='\''value 2'\''
'

test_expect_success 'line 9: flux kvs put of dir3.key3' '
	flux kvs put '\''dir3.key3'\''='\''value 3'\''
'

test_expect_success 'line 9: flux kvs put of dir0.key4' '
	flux kvs put '\''dir0.key4'\''='\''value 4'\''
'

test_expect_success 'line 9: flux kvs put of dir1.key5' '
	flux kvs put '\''dir1.key5'\''='\''value 5'\''
'

test_expect_success 'line 9: flux kvs put of dir2.key6' '
	flux kvs put '\''dir2.key6'\''='\''value 6'\''
'

test_expect_success 'line 9: flux kvs put of dir3.key7' '
	flux kvs put '\''dir3.key7'\''='\''value 7'\''
'

test_expect_success 'line 9: flux kvs put of dir0.key8' '
	flux kvs put '\''dir0.key8'\''='\''value 8'\''
'

test_expect_success 'line 9: flux kvs put of dir1.key9' '
	flux kvs put '\''dir1.key9'\''='\''value 9'\''
'

test_expect_success 'line 9: flux kvs put of dir2.key10' '
	flux kvs put '\''dir2.key10'\''='\''value 10'\''
'

test_expect_success 'line 9: flux kvs put of dir3.key11' '
	flux kvs put '\''dir3.key11'\''='\''value 11'\''
'

test_expect_success 'line 9: flux kvs put of dir0.key12' '
	flux kvs put '\''dir0.key12'\''='\''value 12'\''
'

test_expect_success 'line 9: flux kvs put of dir1.key13' '
	flux kvs put '\''dir1.key13'\''='\''value 13'\''
'

test_expect_success 'line 9: flux kvs put of dir2.key14' '
	flux kvs put '\''dir2.key14'\''='\''value 14'\''
'

test_expect_success 'line 9: flux kvs put of dir3.key15' '
	flux kvs put '\''dir3.key15'\''='\''value 15'\''
'

test_expect_success 'line 9: flux kvs put of dir0.key16' '
	flux kvs put '\''dir0.key16'\''='\''value 16'\''
'

test_expect_success 'line 9: flux kvs put of dir1.key17' '
	flux kvs put '\''dir1.key17'\''='\''value 17'\''
'

test_expect_success 'line 9: flux kvs put of dir2.key18' '
	flux kvs put '\''dir2.key18'\''='\''value 18'\''
'

test_expect_success 'line 9: flux kvs put of dir3.key19' '
	flux kvs put '\''dir3.key19'\''='\''value 19'\''
'

test_expect_success 'line 11: flux kvs sync (flush, then checkpoint)' '
	flux kvs sync
'

test_expect_success 'line 12: the root'\''s sequence is 24' '
	flux kvs getroot -s >seq.1 &&
	cat seq.1 &&
	test "$(cat seq.1)" = 24 &&
	root_1=$(flux kvs getroot -b)
'

test_expect_success 'line 14: flux kvs put of dir0.unsynced' '
	flux kvs put '\''dir0.unsynced'\''='\''lost in the crash'\''
'

test_expect_success 'line 15: kill -9 of the broker (power loss)' '
	flux_instance_crash
'

test_expect_success 'line 16: flux start (rc1 done, the initial program runs)' '
	flux_instance_start
'

test_expect_success 'line 17: kvs get dir0.key0 is "value 0"' '
	flux kvs get '\''dir0.key0'\'' >get.2 &&
	cat get.2 &&
	printf '\''value 0\n'\'' | test_cmp - get.2
'

test_expect_success 'line 17: kvs get dir1.key1 is "value 1"' '
	flux kvs get '\''dir1.key1'\'' >get.3 &&
	cat get.3 &&
	printf '\''value 1\n'\'' | test_cmp - get.3
'

test_expect_success 'line 17: kvs get dir2.key2 is "value 2"' '
	flux kvs get '\''dir2.key2'\'' >get.4 &&
	cat get.4 &&
	printf '\''value 2\n'\'' | test_cmp - get.4
'

test_expect_success 'line 17: kvs get dir3.key3 is "value 3"' '
	flux kvs get '\''dir3.key3'\'' >get.5 &&
	cat get.5 &&
	printf '\''value 3\n'\'' | test_cmp - get.5
'

test_expect_success 'line 17: kvs get dir0.key4 is "value 4"' '
	flux kvs get '\''dir0.key4'\'' >get.6 &&
	cat get.6 &&
	printf '\''value 4\n'\'' | test_cmp - get.6
'

test_expect_success 'line 17: kvs get dir1.key5 is "value 5"' '
	flux kvs get '\''dir1.key5'\'' >get.7 &&
	cat get.7 &&
	printf '\''value 5\n'\'' | test_cmp - get.7
'

test_expect_success 'line 17: kvs get dir2.key6 is "value 6"' '
	flux kvs get '\''dir2.key6'\'' >get.8 &&
	cat get.8 &&
	printf '\''value 6\n'\'' | test_cmp - get.8
'

test_expect_success 'line 17: kvs get dir3.key7 is "value 7"' '
	flux kvs get '\''dir3.key7'\'' >get.9 &&
	cat get.9 &&
	printf '\''value 7\n'\'' | test_cmp - get.9
'

test_expect_success 'line 17: kvs get dir0.key8 is "value 8"' '
	flux kvs get '\''dir0.key8'\'' >get.10 &&
	cat get.10 &&
	printf '\''value 8\n'\'' | test_cmp - get.10
'

test_expect_success 'line 17: kvs get dir1.key9 is "value 9"' '
	flux kvs get '\''dir1.key9'\'' >get.11 &&
	cat get.11 &&
	printf '\''value 9\n'\'' | test_cmp - get.11
'

test_expect_success 'line 17: kvs get dir2.key10 is "value 10"' '
	flux kvs get '\''dir2.key10'\'' >get.12 &&
	cat get.12 &&
	printf '\''value 10\n'\'' | test_cmp - get.12
'

test_expect_success 'line 17: kvs get dir3.key11 is "value 11"' '
	flux kvs get '\''dir3.key11'\'' >get.13 &&
	cat get.13 &&
	printf '\''value 11\n'\'' | test_cmp - get.13
'

test_expect_success 'line 17: kvs get dir0.key12 is "value 12"' '
	flux kvs get '\''dir0.key12'\'' >get.14 &&
	cat get.14 &&
	printf '\''value 12\n'\'' | test_cmp - get.14
'

test_expect_success 'line 17: kvs get dir1.key13 is "value 13"' '
	flux kvs get '\''dir1.key13'\'' >get.15 &&
	cat get.15 &&
	printf '\''value 13\n'\'' | test_cmp - get.15
'

test_expect_success 'line 17: kvs get dir2.key14 is "value 14"' '
	flux kvs get '\''dir2.key14'\'' >get.16 &&
	cat get.16 &&
	printf '\''value 14\n'\'' | test_cmp - get.16
'

test_expect_success 'line 17: kvs get dir3.key15 is "value 15"' '
	flux kvs get '\''dir3.key15'\'' >get.17 &&
	cat get.17 &&
	printf '\''value 15\n'\'' | test_cmp - get.17
'

test_expect_success 'line 17: kvs get dir0.key16 is "value 16"' '
	flux kvs get '\''dir0.key16'\'' >get.18 &&
	cat get.18 &&
	printf '\''value 16\n'\'' | test_cmp - get.18
'

test_expect_success 'line 17: kvs get dir1.key17 is "value 17"' '
	flux kvs get '\''dir1.key17'\'' >get.19 &&
	cat get.19 &&
	printf '\''value 17\n'\'' | test_cmp - get.19
'

test_expect_success 'line 17: kvs get dir2.key18 is "value 18"' '
	flux kvs get '\''dir2.key18'\'' >get.20 &&
	cat get.20 &&
	printf '\''value 18\n'\'' | test_cmp - get.20
'

test_expect_success 'line 17: kvs get dir3.key19 is "value 19"' '
	flux kvs get '\''dir3.key19'\'' >get.21 &&
	cat get.21 &&
	printf '\''value 19\n'\'' | test_cmp - get.21
'

test_expect_success 'line 18: kvs get dir0.unsynced fails: No such file or directory (ENOENT)' '
	test_must_fail flux kvs get '\''dir0.unsynced'\'' >get.22 2>err.23 &&
	cat err.23 &&
	grep '\''No such file or directory'\'' err.23
'

test_expect_success 'line 22: the root'\''s sequence is 28' '
	flux kvs getroot -s >seq.24 &&
	cat seq.24 &&
	test "$(cat seq.24)" = 28 &&
	root_24=$(flux kvs getroot -b)
'

test_expect_success 'line 23: dmesg has 1 line with "Flux was not shut down properly"' '
	echo "flux: $(flux_log_count -F -- '\''Flux was not shut down properly'\'') lines" &&
	test $(flux_log_count -F -- '\''Flux was not shut down properly'\'') -eq 1
'

test_expect_success 'line 26: flux kvs put of dir1.clean' '
	flux kvs put '\''dir1.clean'\''='\''kept by the unload checkpoint'\''
'

test_expect_success 'line 27: the initial program ends; flux start exits 0' '
	flux_instance_stop 0
'

test_expect_success 'line 28: flux start (rc1 done, the initial program runs)' '
	flux_instance_start
'

test_expect_success 'line 29: kvs get dir1.clean is "kept by the unload checkpoint"' '
	flux kvs get '\''dir1.clean'\'' >get.25 &&
	cat get.25 &&
	printf '\''kept by the unload checkpoint\n'\'' | test_cmp - get.25
'

test_expect_success 'line 30: dmesg has 1 line with "Flux was not shut down properly"' '
	echo "flux: $(flux_log_count -F -- '\''Flux was not shut down properly'\'') lines" &&
	test $(flux_log_count -F -- '\''Flux was not shut down properly'\'') -eq 1
'

test_expect_success 'line 31: kvs.ls("dir1") lists 6 names' '
	flux kvs ls -1 '\''dir1'\'' >ls.26 &&
	cat ls.26 &&
	printf '\''clean\nkey1\nkey13\nkey17\nkey5\nkey9\n'\'' | test_cmp - ls.26
'

# an instance the steps left running ends with the test
test -n "$FLUX_URI" && touch stop && wait $broker_pid
test_done
