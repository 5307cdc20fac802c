#!/bin/sh

test_description='t0012: content-sqlite round trips: exported from the Flux ENOSPC playground (t0012-content-sqlite.ts); each step expects what the model did'

# Append --logfile option if FLUX_TESTS_LOGFILE is set in environment:
test -n "$FLUX_TESTS_LOGFILE" && set -- "$@" --logfile --debug
. `dirname $0`/sharness.sh

# the model's statedir filesystem holds 16777216 bytes: a tmpfs of that size, where flux-core's tests mount theirs
fs=${FLUX_TEST_TMPFS:-/test/tmpfs-16m}
if ! ls "$fs" >/dev/null; then
	skip_all="skipping: no 16m tmpfs directory mounted at $fs"
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
	chmod +x initial-program.sh &&
	printf %s '\'''\'' >payload.1 &&
	{ base64 -d >payload.2 <<-\EOT
	/g==
	EOT
	} &&
	{ base64 -d >payload.3 <<-\EOT
	v////z/4vr9IUAH/3hsf9CAtoEsxUPDZPpF9MQYmcdFJ81igxQ+fRxsbiaPtEWvO63ttVAWLkITq
	OWRQ1dC0yQ==
	EOT
	} &&
	{ base64 -d >payload.4 <<-\EOT
	AP///x7h//8exMQAH3+c5/hHFC8FEH8KrwerrGdX3wCZHt9+vEujkpis1PjLR0oFwrbh7S7i7ldY
	4jWpEa+/+G0FsuZUrcb2Pd4pt+K7GDC8BedI+hEiM3Cv+3hCDaVHhkjRFgDFP+jGepDpq8nCu4Nu
	Qc0Dyrlr1q32Pnac3uv0OnOQZSFOOuAfySvUKWEWaBMQSgp+mz0VbkaNuRv05Pe/8mw4sMfNt8LU
	Tog5dNn4kaTGD6CysWJxH8GKdXxeB8APDKABDgBIbZcq0rh+EUkB17KXfCrg9qgrWhC9E9mJLhLd
	AmM5lNtHrvyvNbwzP9Imz93t6xC2jNN9xMrP
	EOT
	} &&
	{ base64 -d >payload.5 <<-\EOT
	//7////g/v4hQQX/HRt73IOY4A4WBdFt+VQoefo8nsRIZpPFH19v7lOWY49stfU8DtlMkhPqR2/Q
	HWtmwC54PWU9p4lBkvrVhYzDXwlbyJPlKYCx2lIxan8uSFs/CHs7GLHMdp6bk+4d1LMiJbNFxDCo
	4bTR06iTrVIyE+i6kB5WahmJLoH5zLeV7joyR+W7ysUcAvQwzwmGZp82QPPRd/vVbm91rDRESae/
	06hB3KxV99T8EZe2I0MMAlzrq71cW3+dKoH3q67X5Sp8N1tb87f9zsmupwtRBnZzv2vf6e16aI1r
	QVLXjH76rbIp5ahGQ69/seEeKUxXXXqS/4b7MQ==
	EOT
	} &&
	{ base64 -d >payload.6 <<-\EOT
	APD//x4Q/g4uEcwALYjuxjwxXBD01BDOgSA5SZ+OQ4rIqDWs1Xx5AaBhQhGmFWAnSpmnn3AE/vqH
	ksVfn9irXb/Zz4+BLXVRT5Nv0TTi1yJDjw0yNVuWtuYET7LhGwInHFG2jbDgJF1OPovhNnOJEwi4
	z2bpM17JrqHJ8vycFNRy0EKBE9QezZg4LNxdlNDqBOptAWYnvYwyklGShZqTQga8qpIadL3hNcNF
	CvXOFGhgZtj1RFjVzyd4/lk7P9B6IuV65GhRtf3nJPK7b50xQAW8hzCseknkv7klc9QqyODXBt8Z
	odfqyQ01yOrJtyTwOa7vIEx8/eZPwtI6C6UpYFVOlyRooR/1uLf4el5v3EGtBSnTrCC8dvoQemwX
	V7IcKAT7xzk37Gm4HJ656Bpd+lWfTY8e/BlxHiM3tkMNAuX0dKWMFoxZQ5J5fIkAUl9SAMYIEdy/
	blknPkgr73UlFXzPwSJVbBKd1J1Dp7AzpgeEORFUYQHGJkSIr8WIizNwvdWIe72xglfdoPIbicvK
	rQrNlLHe1CLL2NqwIA2zOrSH5E6BsuxWc57R4lkjna8gs4SBoeXqWu93oX8CkqAFHcN5kHjo2ndA
	LjuKvp2eksZz6f3ToSE+xYf2HK5E6hnqFAT8NI6ZERaW47CU/8vVRpxCMoFvRx+CYMvj3t+6PZ8W
	5vI3QX8Ra8aOQW1xOKidYcaQZhekyvF8SWswJ0QOyqnKZRtiaHyt1NTTZ6JUSvbkw9U+fYqZx4Tt
	cNoRw4ofl2swN4p9xco7/+5VhWE4ZsMlqYU/XzstIGGzOS4aN4BfDEbIVRGhpIETH+Rx81vg4Ei7
	6/kO05AtwE5Z8uYJt8gnsML6Z3fDN9kU+7BomJzmMl79irWSA/Lxvp/3bH3+oEpoJpTP3VU9MM8I
	i10da5GqLwPZlSeo7Flt3uptTI3Z/yUcgG53HH4CttgLxqaQmFiVeEsLn4o4Twjq8fg85koy6Ewk
	y+8xwGoXJe4Su5eOt+MuHsJpZi5PeX1s1CY4L+MCBlwmpHBuKhB2WdQYpN9GhHgW/B6NStW+ZILA
	f9D88s6Ckhdw0QZYOwdHOOfhygVT/O3jp63J7wx4PmUB2cAY9VHV2J1FbM8AWr9skwxLSxlM299E
	0XAzwlu7V+iqMQVJDRyaVOwQb7Oluspx+htI6nmgDrBDfps0EpbiTTy3GkWkHgjsn/0tKyCygMbp
	LPm+kfqrm3EgJZM4AqG1PRrew1j0prtEcn8WaUVt9NyBnniJn5jCrvEvmObUJ0CJjaUKPEOBX+Ys
	kliFoFgFwUs2RXi/RUWfVKqu4uikHGzB5lfWUHf/AhwqMYfCROa26Zu4s2i3+uHIGV4OEmC68N+n
	WM0zwvfzYYmHHxVxBzDGWEWnmojUTivHOb+0dDfMlvhqy2RYs5bs0hNU4te6bIlWLkpF8/XOWWrA
	yaUHzCVuhxN+Mlqv744WyPzmrfs1mT/sVYH9kw7s29oCppcw7tn358sMXCh0K6pHqYPcoXgCyz0l
	2Mcx9K2MFyhB6eQM9MHz4FeKsugnLjHHI+anhPEgeGQ/eA8lY3qAajmAWnLiIpjnvFqb8sTqZ7Kg
	Oql8Vza8WFBSgeNuSZGKWEMoMcTKe4DRrdq33KGaTWO0PBvZIaCk7+y3MtEFZBD92tsJqQimmGUz
	umaJ8FQL+PoxhdtIXSOh/hjv5evPjl4sKzeTeZmLeEpJek98HVZN3LDUED9ngiqfrsx50tRsqKEW
	nHOIv66K6euCtshYnLZ0UGxMykrbKXZ8hYHMURCom7i4OSow+9+StigBE9U5T5RBmtxgenlt46wd
	DWuR+Ux/IsQ01nIs7nBShwhzupN/YvwOCvtUz2YN/V6lCSlvJaanrw0Sqkp9ZZMZ2cYqIEeqmlFe
	9FwWDd1lhPw1DDAatn2JlGAWbiBNySkPBLv/3/XcQRKDQgquf+QAKX7hTLPDLo5yabIeGxSklJAa
	SSiVmEvVNnrskmCNMru/m4de4ptLOmiwsWWmmeiXDi0L64XE8icbICQQRStDQTO5D4CPQqRgEJyi
	EcjC7eUc6Rg15pGAG2nGZqmPRFOpZEQhrNLyznOntnc9gx8x4ZQXfUwpQrf8QNV07aoZ2VnhcrRL
	QMFgOG9ybrERJ/lLXQSmKVZX19OBQHbntzKbYl2IaE7HVxYFrIGTK/nlZTKjcLgbbsnr+H0Nlkp4
	tOtMI9Di8RfACutHyLVxNa+2lSHMvaww26FvEIa2CJ4MFBxZjwZsdOGwe6gZOAj0b7mb8PhME89K
	TWD6odtX7EDFt67kEgcB388yq0geHbmxJeIlKZ/J+3QQkPK54SL5e0SU/efk5kOtrqBJCWwy+uQk
	x8pUE3+IcIDSEVYO9QJf8QCNmoLqcMQBRqNVawn/xIPydthz3wygUmQDHQA1gjXplhoWDISyWnPl
	B+0HZMptvTxb3IDTtuf4Wd99F11qyv7GgPQ2HKaBKdIsbMh+SAAP6s9IZiTG23F011+UdnJO8os6
	mf04xD7bF5SNsjXe/YfAHGruKfzV9l/o7NSP/V0j80gghU3smwFUsqItF86vckcqXezN03L7gWih
	sEXwfnT/VetW0+P/U6LZVqDphIwUGTSrxhvxt9r1nCPBZ4k4oZIOADjCbchmWrfFybNk6HEuQvWx
	CnLrslPEAnX1sChxcp2bBmRmnSy0rrJWX7QWLO2geXlc1M+N20EV7EgMYBup7AQJOd4mfm2AmpIm
	RMTP9fYA26rObBmhBU14mS0FAU7E/BLZQ/o78Daup1qKk2XM3KWDPRotRdIK1JsEp30AnTnPTFxI
	7fB3trKh4Y75wnKrW/q6yg8+cJlN2QvyKJutEbN2tO7xYcKJI7lHGcNiNv/ZGetnmkxplPYimGDP
	4nNRT8GUwM3oWX/mTtYmGjPfYOzvD6V/n+jAdsCgiZn4GEmGHjfRWzXXCWYUWioE+DbOw1ypPAJb
	LFjl9lHBOTJDBXMQghWokPnOm2GVGjNJz3LoqE7SrQf0JcCjYb34JwaKj2fftafuZwywE4xm15H8
	61rnvAA6pH+WulvmwzcX0H45aFxAZZabb4guhDlFf9n0GZn5kmuh7ZF/MxlRJpHZYymMpLN41xow
	U741AU/NRjfyMUkuxdctsTu0355rSizKkd8biYJAs9IJW+a60CYa/tbEBZOS8t3sGAc5cv2i8GOK
	GMwKDoAkIQCaNDC7m1xLQYLpKxqNfKTVFwQiUHRdEczJysUZlqYzg4v0GuH8KvcL6Nvn62oGdtmR
	WjfiLs1WE2GV3UOkaAm4mMv6MyxCvPJn/1AbrCw1iq3TUlFe5mikjnJ+NzWhg1+rkD6rz//ewmfV
	E3wG6hP5AXTrnzVA6KkBJZqTEM9c0RX0ce65MgID6O6ntyD+X+WjNjU7DYLKLxRI7nSJd8X+x+fd
	PL2SKBtFAaIVWG05DmB8vqySNYeKPf0n5S6c6EAnCmZCPnpGZyLm+xc4fOGKK6Vrc0hEduUCjw1a
	ha6pnA855vlr3NvthrzbcIKMOgfVBZWNKej91HMQR5ROl589nQjdfY5fiTZkrIU91AY774npXc4B
	9d0k7DjrN7xF7FDY7IcHJsNoh0iuQrwcEwvnnImNOoZDS48x8Vuy43dY79g8To06QibMTpUiQoOd
	lErkC/TWhHsG4A2YKnEOhv2Jtv30lr8WhFYk9rH2ysvgJzkemj7aNpe1TFMoHtuK7XQjJcjZXcVw
	WFssGbrIUI9b86mcN87SY3x5OD7EA7sqCfnMcsgBUunT2F58RGJTEaWEiDWxfMQpuY0cpCSQb3+4
	JyBnQryxF2y2V6c4Q8vh0v8YDDY554T/Fx099Kr2kXZ+8w2t2uFK1uOpElzSG6Ygy6/h6nK7QAn3
	TWkI45oxgYnN7y8yIMILldjMc25m7zGoFlDdq6DmEa7gWVWD7ISjkPp3T7oXbGkWfvD7Ju58eyRE
	xStC/1aTX/PO5e58/4ghVDAuQcGFBe7qv2bAyVAEorE08w5+/jjZrKSXQdmFnlWl4aLAVnLdcHPl
	J5DgkSbylhIQT1LuaYROIq1MyqPOhvMGsQNHyNgLzn+S1ZWqU2H050kWaa7p6R+WnVreQ8+vf959
	JHt6+LBj1aywuS5AKzLAw8wNj/9NQJ82L6L6d40GtnoOHu/9UO3Py4zyYrJ9N9UE1Zf8bpLiKkPt
	CH3ZHxryGx1sUtPbSMF6Uo35+mbWqDwlQn6SqjVg5YzpTMIuu6Nk95POifTmLonEGAUUw4racYBU
	ii2f13AgaKQ/C8Km2t8vwO6KA/XAuvk0vPx0BgOtjRao7dHaH095+ME4Het9fLsGwRsyLd2vJd1A
	SpkpEWEuapT86BK2wpC+HZsYxfH9T2sRWBkzGRq64GCuvhNCCKnxXPnp6NcM1yQn1m76vdj9odZ2
	oH8ZSnpI2j6TndrRSjgEM9FPKeNbxZ9KdTdH9s2YZ4W/MVjd1qX+yFTY7onbyELI5e9HgkSBnqEm
	fSphi4a/9JX/5c3e/IAlY0dzYK/qtVc7cX0mc/KL4MytIPqTRnYOybQ/EyecY7TxunrtakPmr9in
	/JTEUQwNz2z1CPOcxwCfwHwmY5JXoXCe+JFnjsEaXfkbefk6E1rYQHZAKW9DqA/Dm9uhKVIwoXRs
	Yv0ofHDXdhtjqRi6yQoInHofwrNOIyfymmY9Vv9I9ymrAXL5Zzv8yXz6wd6a1/lY1psENQU5eyGh
	zTY1SrYVP0WGxxpQBvajboBcQK0l+FSaGyRXWGM5gxarejuU7+eDNXsdpfHQ/J3R4PO28nhkgpw3
	7bXevTZHoNoEfjFsq5T/htBSxvoWo+VdqRhmfVBYihw99L8AxDRctZlj4cWDzfuaHLrBOR7Jql7n
	FAzUvVnKe+CMGGPY42K8dQ7kbg4Loe/WUuEBNtH1Q1SlguORvm0feec4lERBu2ms359yOT7MZww7
	Ti9zKh6GkntuDtjR7A6axuHIFSnHxus25pDo07FFJayxW5CnZPDl/uk54sXR31hZSijv+oPZ1upG
	bNZqB2Jx2IBgQOqCbaOAdqb9XuSRWv9xesWDKTKbRKWvXeVSLNQT18Nrsmf0gszSv7r4mNdK3MW8
	oJ1yDNV9qskSC8cmxfSOOnBv02T0rEeIuXuwoV46A1nBg092soDL/FlDYR5y7uC2CtJNnAnLayFa
	CCtrsrOEuONvw6DDb4iv67feIVZ0gTbpT8eBrVw9IAd3v/QrF0LdUDO8+sbFQEBDV1PaF4TJOIaf
	XI09I5FZ/B+1G91yGRa8pPk6VHGfMpG5jqHd/qT+hplJOxpZjK/NqzfCtVh4VcZIGSFQonJtUWMS
	B82MPunqg+gElv0ngVGUCH/z+Ngf5w/B/k4IoqcXvwX5WSG/XqFGB/U/WJOEB4GIrwmQENQM2Zxa
	9GyicGlPZHfmxn2yeLU1xrdCK1IsbHvo6wZdjpPecNgjG3CL7JrxkJ8P11Z+2qo+
	EOT
	} &&
	{ base64 -d >payload.7 <<-\EOT
	/+////8P/e8SElT/DAyu8cBLaA+xzh/t62gLzJ8JUExW1TfK3ULZIdAWM9yoAU7PSgsjGkCinerX
	2B6ZZecqSjt0Z1tyjCqDj2EosS/7w4kXJTQjF6JYk7sR+XnvcPCrHrlTWMuC3Vjni9Hs9XLYWhJD
	C0jKcKPKRcfJD19StnysHhWBbNpEn6CDqA6I8+mnjFKtCDCAw9DO9xs5XXROHnAZvqAbJbjetpIz
	bWunXDWykqo9LVAqzE6vHXuGBPVUDvwXf4QHTzQlqq7PySdGZHg76TK/WQLDj8WJsP6oMl/lWgMT
	52GW9Vu8+HxyTxVgis59F1GFMrhKqAZpzMwh0Z79Pn+5nQIBCXYRy/XM+bZEyhKh99RcrRzvUSbP
	jraN7lstA59bAaFSL75kw0PSpX6ubkjw55Y1meWWcLVKamr6bCn3LWVIPjG2xVXD6Yr1BQ7SQe1o
	YrQss8uaKZL421MfAlydcjcYc6PNzX6DT1p0Bep0nGZxpalCBnk1siNjs5BZ1fzSHTEu3SkhpLRx
	/cIr0NElvEGKokmGSoQx9kBDoxF1jqr7fH/Al8MYzRtIQ59BYVQyKH5o36xEdpHcEo9ylliizBzN
	MarVshJbHHIhdjpC9jr49M7ESShyQFmb3U5UI43eYkp6St5ZBseC36Mjezy47C6JRv/kDGpav3LN
	OmYYdAqQ+O9v0AH1WeCWjtWp+b4ubaYodBttutGrXeMxF7a5I3HO8l6S4HUafhyWEj5uRH1OJY1y
	VT87VDKp3k3bXPAcV0mEpBW8tzNN3zD0wYilxIWVNVzlVZ2Xshq7XYeVz1mu0LV+Z77PKhqV9/Jk
	Mys1RLcHqFtuA9aUyhivn5gB2lrN4ezSoRiQIUt7VaT8e+cVUBNVrrTlfLBuCfN8gfDE5oLy4ibT
	2sqBHeMbOUjiytpRuz/haFe4f1NfhdpHDbAMFGElhPZWcEToo7bAQl10ow9FQpKqJY4ORmv/liCq
	OtK+lbW6ADhkrA1bFFI3ZBHqH8PDBK6/w6ijNRRHMLW6lvOY1XHZGOkVu/jH/YGtPUDl7X1Z1rMz
	1Mgcma2tbhfFdeoAMRxyWjuucJ5anYsy0fPktD4XWFavR5X1mxw25HKw54YIb3nSTQ4OjpN6JBgj
	wgEvqBcz3wZ0kB1IaQyH4ZP621DnscjK2PMBgMKmnuw46dst/asq6D34Z6qZaYJto8G6DucIgFeX
	IqxK9bpwgpCtAAsF5dun9GnOW107++pUMc2Bbh6XAjFJYRh9oT1S66B8Ri2fFS28oiXa57RLEHol
	n1wKCn5crAdd6U2+mNxrmjEn/+c4nZCG+M+k3z1K/DbeKoz0cuVnyK5hUyivwqN9at2AtsxZrQW3
	F/jQ801JqVPGWTwgsslWrGyulTG3yi0JhcoLd28lvJDWIlsWOukfKZu4482pNvjoW57qyABqVPDY
	bMvDeN+WYcELnByEKl8kgZm82H2MnPMEEAzAViONeGkq9N+iPj/VO4sghywoMP7LRUGznm5CamsH
	23mup9EM7cDSGNc+eps9b5tc2x7nBRASvxbk2F4n3z2zwBJsACgL+B2bF9EcBH+yG5au19TFjBTW
	VpoO7lyJwFmIBRoxzkMZpi7EIPRaDGBzAnKOlemjjawKnY99K8bLdyJYvBSzN5+FvZRnv9u/stYz
	rDWMAcrL3qwe34f97vAdzC2ozcR/PCqePj2MbuAJ0h9mjnMNbfGFkcn1G1+19S9nkP1JOQ+yEsiv
	2dmaUDbhr6x1lN9dpdlqDvOseNxOtRMkg4C8Mz2WFa4hIBQc14cEiiLNmJR0T5tJcU/O9dqhBTl7
	lrlsDvtRg4KuktR9jtNunbo+Z6M7CXhq9dtniDVtlvV+bgWuaxFC48i8xMjr2WsDVJLMbRFyZgQO
	8UZGtvobzMyHX45Q7a2k93nsoiBZYoZoACwaQtGBw1WF5dhF5DwA8TLdrbAOqemeegs0A+gd5VH5
	BNl8VasSgQy4ofduRKSskTm6Fa1sJk1+6SYVd2a4mFH41+TjyJn/HF6EJ1oJpaAP7lmLm0vMRQQJ
	OmxBjXw2iOwT5ari2eJQ3QlgoRn0V8xUlwUDO2m8H66BA+h0bG1aR9JfMeXF/CTBWdNRB3ftW+mV
	nTMnNSAJ56fGKD5+/U+T1G6qo57sTbp0vSk24cNnCF2uelYeYWLCq1dipuxQ4dQMLhJJe5Jm5iv1
	yEQ2ZRfgkOl/a2xjD1HOpbuhPrPTRHYK4+XVOrijCWwpxG5+WBA4wLbAyTU5nyDdfWd2CeR9YmdN
	NzD93rQ1Pq8oRj1r+WwYPg9eAYWCvihzFE3jjXG8kCLcqA6Qkkz7kgHgrngW79cxEudzOYVt8ivI
	63GqGpxxOywhRYF+2aM/+rRfNwH0+OnwVDIHYViuGL1/1U1ZAd0iwgcecGUW27tublSoYtxZ20pf
	iW1bFTUZC9wQfe0MvyI7JS9C9MQFjOYpp8acMcMUtDT5FTZvP7cDzmnP+pzsbKCmf6DSTbda0LwK
	KSeSOYhBbUmrdDuyP4g+PyN6uj159u9fQtW2FAbuiGnC1GYpupL+C6tNiO6s67pzpIzSoJLp7H9b
	vlwrJHcSxThjpmieYxrM2xn/FOlGzxeqn6iUfEuWxFVKHvh+trAmbLraq2wNArdj2zqhAsDcgUxX
	5d28doIriiqPhUMhh0ZZnvQDS7Q+D5X9P/fy9G793ZfOOoFwgxfn1nBpzJh4oR4Owj2Cr4I0JvR+
	nyzEvYRCP6c0iLUIEmiREZ7IXmCkEQ1O/TtpkXyqak2k/D6/odxGUznpSsTkPyPXM/v4lV+eSZhb
	5JuQb8N/ImSAPa38ZZ90qbOm4vk9yUC9CYVDo2SI0CTnDDS4I+xaXUFKPp3arPf65q3BHzNbQC/v
	YvUR2ixdpyBIJoHWmr0wFfBHsrow6LG1rM3KyuxTfQPDpKKAWVgSqq9KCvgMnMWzf5mHDlqUbqA6
	EEtaToPk9xEFBbYEWPTAiR3IWFmcN9nBpuZHrJhiir5vGcvR8Q1l4bmcMBHIeD9ZdP421arjZSjw
	kM8Ujc2PdyaicZ20HsS0gNOVxye9KEx76GWzhop3IJJhEJrYlWRitpxS20JujgtBGSq4Yd1pUK+R
	+WkSsgs+tClu06BAmB+T65IMbi4tSM12l3phYjKHtKAY7OwJ7/p/cxzht4lIR/czcXC1ek3CcmKQ
	0yapDCkBNmVSs1WlEmmwFAsdRTI11dsoouZZIwaISAtFvST2EEyI1+XRpZjXFSDH4GCz9qHqJXXm
	RcPYNn9Upl7CWnkqIRWsFi/DwcNoijc8r+N2xorFP6xa3z2n5j/1i9mIL6bhAQ4OOmxpZSCIgk6L
	GRXfNlIFeHi+5MWh0mbpdGA1nravktcSr6OhJ5eR40CN8s0hOzyjqWAOab0eWE49/ph14QJbwbxn
	SSKQkhzI+8zdFVOhwZn0Gm4H5pwmAcFoVpKVHj7Lv0JQnjBKoC445hyCAeLC2Ar/ka5dG7ARcUSf
	ZchCG5RkQmObELJM2UD6cLijWT1ZkdOcsjgle707+0sy28WHZWQoAMDn4GAyQH73x0I/blBDi8gz
	LvqdxuBySwxVUF9+X0LO9Ms45/NDci448f113z+NOdR7av8+Mz1qpRte8on1Xn2UikEpSS6mwxR7
	pb5t07kku1rVSZBLcydZXtt/jJhMMtPWVi77MLh5sAIMV6KR0TusnXUza3duOzj7KQFRkdVH6UX/
	n7EbQaXHuuysm/2joycO5R0KE/pPsp44PrhufUt3RLAHFzY+wKA4mupHCqdJAz2chDl+x4MiLF7e
	K/KtJMUWQqyKHfDM6uTAeJitkUqyrOvBs2phBDE834dRaHX0xl/FQ9gUGPuR+mKUGTk+xccKdWfa
	tW+uchQZSLmlWUfk65QoxESzHNO/802PpRSCCsi1Q2KoyFi/el6F5fJkqtgi4SB9OimRfeVBwNZV
	F+iY9MhZa8JBsdWqxDa8zCTnuRhxpl+0T5v9s/9Tv6to8NL9yzi0yTGbGSXgnwEuEm414AmPk1gz
	rs7wka9Fek+egN7QeIbJ0WLP8BFk5VF+UTb/2vjpMa170b0o+Zx+VnkMSSC5J49+4vLGOhiLMb0Z
	x1c2n7psfv5aQVumNzIZ0oDBlQbzJnXE5FxiXIT0fhrAsg3tmEPlmfOC57IpuwBZziVGsE5fI1oi
	mwiHuOHxXfENCPNiSqsdutYt1jPI+gJMC/6niHtH04W6vhlCci1SYRf3cLN2txpXWaDks/d1AzKe
	i/JLOOpea+hHHF0d5IAexekiBCa4CStqSTYOt7S35BjY3bVixFdkvFOFqa+EwwvReSfc3pawbTUJ
	MuDAxQHOsjfF9h8zDzljr418uEAZFJkqeSPh2OuKHBub1WLkjswUEbLwnxB4cgsSNNvvfMDMuoTA
	9E7H10S2BAloR59GZnLqUnxU++8FAh/qFPffCXLokc09eRu2O5EYtB+J175tw6lZXBX9QAi6hDxu
	3T85yxI2mn7FRWy74wYvsV7tf7ujuBXLoksgjnu74U1GyZF4MH/pk1LUlJKOcYHwKrvbTNVATFuo
	Ku1sRqM5AwkXOLrNwEtSWPiOP0uxglTyvmCS82XLnTpuN9h91bmNrkXp4LoWAAEViwPhtZL+NI1s
	jzi8zpPCjEHgu9bI9mRTSKaznnfirycSC8U7O0gV3nn8yo3dxlhuNX5r2q51Nb769l689TyfOXuR
	yn5GbX+8o8ls8T5FQn8rOmG4boPLt2I1kWwBE0RZPRCqzCQOMQAsQny7KcB5afRSp+6eI5Amxo54
	G5R1uTjvcffJ920a4FKrvQaqhrwDAUNTwCUC2HU7ahQBdyeQo8S7Lm8hWp+mjjpZ07NteHw6FW8a
	gHv4EgbCvRIkUBbeCCmCGDivmkFYR/TL+t7Ru+dn5usK5WrZ34uEMmaA98uI2PVSA7E1HObZfAbT
	tkRud8pTUh6+mtEHXLQRStAo7epRfeZM58OqRv/nWvh8DAVzLCndLQgg8vxON72x5Kp2frZ1LcaQ
	21PZF+eWGXde2cJghGL3FMjQhSU5KbLYfZrR6dv+2AVuOWyg+9sjjTExDPnUxGziuQTEj/dQPLRQ
	FcnS3pG4KT/L2qfF8M7kNZ2iQussJjGENpwdt1OaCtjys+HaRDsc4dI/7WERFqSftcva4igs2NMS
	DpoEpkz0JFNEUQN9S4uD+6z85xX64vr+/g26xdfgcoIVYtXWN4Nt+dGSfDp5y/LIEEl8IO3hOPa3
	ftU/jeRowpV4FUGio8YO6fHYLRnEWPbWJ6tK+6MOXYlDrcKqLFjL+pkYfgHEmeil7uOgXDf22u6T
	v2A1YoNsgRb1In0niQSPUbDEVweZsWcT3jjWS7Z29tTXqhensr9XYgdsESCkO34WwcY6llIr6s+d
	fPN1/pFqX+89/P0janHU/LYzuFKErHF1b3EXH+k6qfVCYzDHuJccgEQtD/Yp0IMDPg==
	EOT
	} &&
	head -c 65536 /dev/urandom >payload.8 &&
	head -c 262144 /dev/urandom >payload.9 &&
	head -c 1048576 /dev/urandom >payload.10
'

test_expect_success 'line 5: flux start (rc1 done, the initial program runs)' '
	flux_instance_start
'

test_expect_success 'line 8: content store of 0 bytes' '
	flux content store <payload.1 >ref_1 &&
	ref_1=$(cat ref_1) &&
	echo "$ref_1" &&
	test "$ref_1" = sha1-da39a3ee5e6b4b0d3255bfef95601890afd80709
'

test_expect_success 'line 8: content store of 1 bytes' '
	flux content store <payload.2 >ref_2 &&
	ref_2=$(cat ref_2) &&
	echo "$ref_2" &&
	test "$ref_2" = sha1-b68542373c05c0ed25231d09955b2c699d37c45b
'

test_expect_success 'line 8: content store of 64 bytes' '
	flux content store <payload.3 >ref_3 &&
	ref_3=$(cat ref_3) &&
	echo "$ref_3" &&
	test "$ref_3" = sha1-2849f2d5c941976c989a17d8b0849b5145a48af2
'

test_expect_success 'line 8: content store of 255 bytes' '
	flux content store <payload.4 >ref_4 &&
	ref_4=$(cat ref_4) &&
	echo "$ref_4" &&
	test "$ref_4" = sha1-43a97c56ce4e48600ab7d898b59acd8b975f6fb9
'

test_expect_success 'line 8: content store of 256 bytes' '
	flux content store <payload.5 >ref_5 &&
	ref_5=$(cat ref_5) &&
	echo "$ref_5" &&
	test "$ref_5" = sha1-240e991fb4cbfcc2792c26e22738633c99e662f5
'

test_expect_success 'line 8: content store of 4095 bytes' '
	flux content store <payload.6 >ref_6 &&
	ref_6=$(cat ref_6) &&
	echo "$ref_6" &&
	test "$ref_6" = sha1-4020c2d17ddb15e1f39a14909555097106918875
'

test_expect_success 'line 8: content store of 4096 bytes' '
	flux content store <payload.7 >ref_7 &&
	ref_7=$(cat ref_7) &&
	echo "$ref_7" &&
	test "$ref_7" = sha1-4c99e540e14f00369ed5c729101519ad18bdade9
'

test_expect_success 'line 8: content store of 65536 bytes' '
	flux content store <payload.8 >ref_8 &&
	ref_8=$(cat ref_8) &&
	echo "$ref_8"
'

test_expect_success 'line 8: content store of 262144 bytes' '
	flux content store <payload.9 >ref_9 &&
	ref_9=$(cat ref_9) &&
	echo "$ref_9"
'

test_expect_success 'line 8: content store of 1048576 bytes' '
	flux content store <payload.10 >ref_10 &&
	ref_10=$(cat ref_10) &&
	echo "$ref_10"
'

test_expect_success 'line 9: flux content flush' '
	flux content flush
'

test_expect_success 'line 10: flux content dropcache' '
	flux content dropcache
'

test_expect_success 'line 11: content load gives 0 bytes' '
	flux content load "$ref_1" >load.11 &&
	cmp payload.1 load.11
'

test_expect_success 'line 11: content load gives 1 bytes' '
	flux content load "$ref_2" >load.12 &&
	cmp payload.2 load.12
'

test_expect_success 'line 11: content load gives 64 bytes' '
	flux content load "$ref_3" >load.13 &&
	cmp payload.3 load.13
'

test_expect_success 'line 11: content load gives 255 bytes' '
	flux content load "$ref_4" >load.14 &&
	cmp payload.4 load.14
'

test_expect_success 'line 11: content load gives 256 bytes' '
	flux content load "$ref_5" >load.15 &&
	cmp payload.5 load.15
'

test_expect_success 'line 11: content load gives 4095 bytes' '
	flux content load "$ref_6" >load.16 &&
	cmp payload.6 load.16
'

test_expect_success 'line 11: content load gives 4096 bytes' '
	flux content load "$ref_7" >load.17 &&
	cmp payload.7 load.17
'

test_expect_success 'line 11: content load gives 65536 bytes' '
	flux content load "$ref_8" >load.18 &&
	cmp payload.8 load.18 # the bytes this test stored
'

test_expect_success 'line 11: content load gives 262144 bytes' '
	flux content load "$ref_9" >load.19 &&
	cmp payload.9 load.19 # the bytes this test stored
'

test_expect_success 'line 11: content load gives 1048576 bytes' '
	flux content load "$ref_10" >load.20 &&
	cmp payload.10 load.20 # the bytes this test stored
'

test_expect_success 'line 13: flux module stats content-sqlite' '
	flux module stats '\''content-sqlite'\'' >stats.21 &&
	echo "flux: object_count $(jq ."object_count" stats.21)"
'

test_expect_success 'line 17: content store of 4096 bytes' '
	flux content store <payload.7 >ref_22 &&
	ref_22=$(cat ref_22) &&
	echo "$ref_22" &&
	test "$ref_22" = "$ref_7"
'

test_expect_success 'line 18: flux content flush' '
	flux content flush
'

test_expect_success 'line 20: the initial program ends; flux start exits 0' '
	flux_instance_stop 0
'

test_expect_success 'line 21: flux start (rc1 done, the initial program runs)' '
	flux_instance_start
'

test_expect_success 'line 22: content load gives 0 bytes' '
	flux content load "$ref_1" >load.23 &&
	cmp payload.1 load.23
'

test_expect_success 'line 22: content load gives 1 bytes' '
	flux content load "$ref_2" >load.24 &&
	cmp payload.2 load.24
'

test_expect_success 'line 22: content load gives 64 bytes' '
	flux content load "$ref_3" >load.25 &&
	cmp payload.3 load.25
'

test_expect_success 'line 22: content load gives 255 bytes' '
	flux content load "$ref_4" >load.26 &&
	cmp payload.4 load.26
'

test_expect_success 'line 22: content load gives 256 bytes' '
	flux content load "$ref_5" >load.27 &&
	cmp payload.5 load.27
'

test_expect_success 'line 22: content load gives 4095 bytes' '
	flux content load "$ref_6" >load.28 &&
	cmp payload.6 load.28
'

test_expect_success 'line 22: content load gives 4096 bytes' '
	flux content load "$ref_7" >load.29 &&
	cmp payload.7 load.29
'

test_expect_success 'line 22: content load gives 65536 bytes' '
	flux content load "$ref_8" >load.30 &&
	cmp payload.8 load.30 # the bytes this test stored
'

test_expect_success 'line 22: content load gives 262144 bytes' '
	flux content load "$ref_9" >load.31 &&
	cmp payload.9 load.31 # the bytes this test stored
'

test_expect_success 'line 22: content load gives 1048576 bytes' '
	flux content load "$ref_10" >load.32 &&
	cmp payload.10 load.32 # the bytes this test stored
'

# an instance the steps left running ends with the test
test -n "$FLUX_URI" && touch stop && wait $broker_pid
test_done
