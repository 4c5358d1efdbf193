#!/usr/bin/env bash
# notify_systemd_units.sh — the systemd example units that run `vigil
# monitor` daily (docs/examples/vigil-monitor.service and .timer, described
# in docs/notify.md) are accepted by systemd's own checker, with ExecStart
# pointing at the vigil just built, and the service stays as confined as
# docs/notify.md says (systemd-analyze security, offline).
source "$(dirname "$0")/lib.sh"
need_cmd systemd-analyze
EXAMPLES=$VIGIL_SRC/docs/examples
mkdir "$TMP/units"
sed "s|^ExecStart=/usr/bin/vigil |ExecStart=$VIGIL |" "$EXAMPLES/vigil-monitor.service" >"$TMP/units/vigil-monitor.service"
grep -q "^ExecStart=$VIGIL monitor " "$TMP/units/vigil-monitor.service" || fail "vigil-monitor.service does not run /usr/bin/vigil monitor"
cp "$EXAMPLES/vigil-monitor.timer" "$TMP/units/"

# man:vigil-monitor(1) is not installed where the tests run: --man=no.
(cd "$TMP/units" && systemd-analyze verify --man=no vigil-monitor.service vigil-monitor.timer) >"$TMP/verify" 2>&1 ||
    { cat "$TMP/verify" >&2; fail "systemd-analyze verify refused the example units"; }
[ ! -s "$TMP/verify" ] || { cat "$TMP/verify" >&2; fail "systemd-analyze verify warned about the example units"; }

# The timer fires daily, with the fleet spread over an hour.
grep -qx 'OnCalendar=daily' "$TMP/units/vigil-monitor.timer" || fail "the timer is not daily"
grep -qx 'RandomizedDelaySec=1h' "$TMP/units/vigil-monitor.timer" || fail "the timer has no RandomizedDelaySec"

# docs/notify.md gives the exposure systemd rates the service at.
(cd "$TMP/units" && systemd-analyze security --offline=true vigil-monitor.service) >"$TMP/security" 2>&1 ||
    { cat "$TMP/security" >&2; fail "systemd-analyze security failed"; }
level=$(sed -n 's/.*Overall exposure level for vigil-monitor.service: \([0-9.]*\).*/\1/p' "$TMP/security")
[ -n "$level" ] || { cat "$TMP/security" >&2; fail "no exposure level in systemd-analyze security's report"; }
grep -q "rates the unit $level (\"OK\"" "$VIGIL_SRC/docs/notify.md" ||
    fail "systemd-analyze rates the service $level, docs/notify.md says otherwise"
echo "ok: the units verify; exposure $level"
