#!/bin/sh

test_description='t0090: jobs until the statedir is full: exported from the Flux ENOSPC playground (t0090-content-enospc.ts); each step expects what the model did'

# Append --logfile option if FLUX_TESTS_LOGFILE is set in environment:
test -n "$FLUX_TESTS_LOGFILE" && set -- "$@" --logfile --debug
. `dirname $0`/sharness.sh

# the model's statedir filesystem holds 1048576 bytes: a tmpfs of that size, where flux-core's tests mount theirs
fs=${FLUX_TEST_TMPFS:-/test/tmpfs-1m}
if ! ls "$fs" >/dev/null; then
	skip_all="skipping: no 1m tmpfs directory mounted at $fs"
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

test_expect_success 'lines 7-10: rounds until dmesg has "No space left on device" (the model: 2 rounds)' '
	n=0 &&
	while test $(flux_log_count -F -- '\''No space left on device'\'') -eq 0 && test $n -lt 100; do
		flux run printf '\''0123456789\n'\'' >job.1 &&
		sleep 0.1 || break
		n=$((n + 1))
	done &&
	echo "flux: $n rounds until the log changed; the model: 2" &&
	test $(flux_log_count -F -- '\''No space left on device'\'') -ne 0
'

test_expect_success 'line 16: flux run (a job)' '
	flux run printf '\''0123456789\n'\'' >job.2 &&
	printf '\''0123456789\n'\'' | cmp - job.2
'

test_expect_success 'line 19: flux content flush fails: No space left on device (ENOSPC)' '
	test_must_fail flux content flush 2>err.3 &&
	cat err.3 &&
	grep '\''No space left on device'\'' err.3
'

test_expect_success 'line 20: flux kvs put --sync of foo fails: No space left on device (ENOSPC)' '
	test_must_fail flux kvs put --sync '\''foo'\''='\''1'\'' 2>err.4 &&
	cat err.4 &&
	grep '\''No space left on device'\'' err.4
'

test_expect_success 'line 22: the initial program ends; flux start exits 1' '
	flux_instance_stop 1
'

# an instance the steps left running ends with the test
test -n "$FLUX_URI" && touch stop && wait $broker_pid
test_done
