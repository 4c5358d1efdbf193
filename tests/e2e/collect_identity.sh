# collect_identity.sh — `vigil collect identity` on the sample exports of
# tests/data/identity, written from the providers' published API examples
# and schemas (its README.md cites each: Okta's management OpenAPI
# examples ListUsersResponse, ListUsersSearchResponse, ListFactorsResults and
# RoleAssignedUsersResponseExample; the Microsoft Graph v1.0 documentation's
# userRegistrationDetails, conditionalAccess policies and users (with
# signInActivity) list responses;
# Google's admin:directory_v1 discovery document; GitHub's OpenAPI examples
# organization-full and simple-user-items), and on malformed and oversized
# ones made here.  Every expected fact below is written by hand from those
# inputs; SOURCE_DATE_EPOCH is the collection time.  The documents are
# validated against docs/collect-identity.schema.json.  Planted secrets (an
# Okta password and TOTP shared secret, a factor's phone number, a Google
# password and recovery e-mail and phone, an organisation's billing e-mail)
# must not reach any document.
source "$(dirname "$0")/lib.sh"
export SOURCE_DATE_EPOCH=1756166400 # 2025-08-26T00:00:00Z
need_cmd jq
need_cmd python3
cd "$TMP"
cp "$VIGIL_SRC"/tests/data/identity/* .

# check FILE.json JQ WHAT: the jq expression JQ is true of FILE.json.
check() {
    jq -e "$2" "$1" >/dev/null || { jq . "$1" >&2; fail "$1: $3"; }
}

# ---- every provider in one document -------------------------------------------------

expect_status 0 $VIGIL collect identity --okta okta.json --entra entra.json --entra-ca entra-ca.json \
    --entra-users entra-users.json --google google.json --github-org github-org.json --leavers leavers.csv -o all.json
validate vigil-collect-identity all.json
check all.json '."vigil-evidence" == "identity" and .schema == 1 and .collected == "2025-08-26T00:00:00Z"
    and .unchecked == [] and .leavers_source == "leavers.csv"
    and .target == "okta:okta.json entra:entra.json google:google.json github-org:github-org.json"' "common members"

# provider login status enabled admin mfa_registered mfa_enforced last_sign_in leaving_date methods, by hand:
cat >want.tsv <<'EOF'
okta	alice.smith@example.com	active	true	true	false	null	2022-05-04T19:50:52Z	null	
okta	ben.richler@example.com	pending	true	false	null	null	null	null	-
okta	janice.benson@gmail.com	pending	true	false	null	null	null	2025-08-20	-
okta	dade.murphy@example.com	active	true	false	true	null	2025-08-25T07:12:40Z	null	question,sms
okta	eve.parker@example.com	suspended	false	false	null	null	2025-01-10T10:00:00Z	null	-
entra	AlexW@Contoso.com	active	true	false	true	true	2025-07-29T17:53:42Z	null	microsoftAuthenticatorPush,softwareOneTimePasscode
entra	AllanD@Contoso.com	active	true	false	false	false	null	null	
entra	BiancaP@Contoso.com	unknown	null	false	true	true	null	null	mobilePhone,microsoftAuthenticatorPush,softwareOneTimePasscode
entra	AdeleV@Contoso.com	active	true	true	false	true	2021-06-17T16:41:33Z	null	
google	liz@example.com	active	true	true	true	true	2025-08-20T08:00:00Z	null	-
google	bob@example.com	active	true	false	false	false	2025-03-01T12:30:00Z	2025-08-01	-
google	carol@example.com	suspended	false	false	false	true	null	2025-07-01	-
github	octocat	active	true	true	true	true	null	null	-
github	hubot	active	true	false	true	true	null	2025-08-26	-
github	monalisa	active	true	false	true	true	null	null	-
EOF
jq -r '.accounts[] | [.provider, .login, .status, .enabled, .admin, .mfa_registered, .mfa_enforced, .last_sign_in,
    .leaving_date, (if .mfa_methods == null then "-" else (.mfa_methods | join(",")) end)]
    | map(if . == null then "null" else tostring end) | @tsv' all.json >got.tsv
diff want.tsv got.tsv || fail "the accounts differ from the hand-written expectations (< expected, > vigil)"
check all.json '[.accounts[] | .id] == ["00u118oQYT4TBGuay0g4", "00u1xke1apZnmHgpB1d7", "00u269cmneNMFHCH51d7",
    "00u15s1KDETTQMQYABRL", "00u1xke1apZnmHgpB1d8", "86462606-fde0-4fc4-9e0c-a20eb73e54c6",
    "c6ad1942-4afa-47f8-8d48-afb5d8d69d2f", "c8096958-797c-44fa-8fde-a6fb62567cf0",
    "e6f1b7a2-3c1d-4f9e-9b7a-2d0c5e8f1a43", "103987345672109876543", "114327615098765432101",
    "108765432109876543210", "1", "583231", "2"]' "account ids"
check all.json '[.accounts[] | .display_name] | .[0] == "Alice Smith" and .[5] == "Alex Wilber" and .[9] == "Liz Admin" and .[12] == null' \
    "display names"
check all.json '[.accounts[] | .email] | .[0] == "alice.smith@example.com" and .[5] == null and .[9] == "liz@example.com"' "e-mails"
check all.json '[.providers[] | [.provider, .source, .name, .mfa_enforced, .accounts]] == [["okta", "okta.json", null, null, 5],
    ["entra", "entra.json", null, true, 4], ["google", "google.json", null, null, 3], ["github", "github-org.json", "github", true, 3]]' \
    "providers"
check all.json '.providers[1].conditional_access == {source: "entra-ca.json", mfa_policies: [{id: "4d2b8a5e-7f3c-4e1a-9c6d-1b0e2f3a4c5d",
    display_name: "Require MFA for all users", scope: "all-users"}]}' "the Conditional Access policies that require MFA"
check all.json '.providers[1].users == {source: "entra-users.json", joined: 3}' "the Entra users joined (Bianca is not among them)"
check all.json '.leavers == [{id: "bob@example.com", leaving_date: "2025-08-01", accounts: [{provider: "google", id: "114327615098765432101"}]},
    {id: "Janice.Benson@gmail.com", leaving_date: "2025-08-20", accounts: [{provider: "okta", id: "00u269cmneNMFHCH51d7"}]},
    {id: "carol@example.com", leaving_date: "2025-07-01", accounts: [{provider: "google", id: "108765432109876543210"}]},
    {id: "hubot", leaving_date: "2025-08-26", accounts: [{provider: "github", id: "583231"}]},
    {id: "nobody@example.com", leaving_date: "2025-06-30", accounts: []}]' "leavers joined to their accounts"
check all.json '.summary == {accounts: 15, admins: 4, leavers: 5, leavers_unmatched: 1}' "summary"

# Secrets: none of the planted values reaches the document, nor the names of what held them.
for secret in tlpWENT2m HE64TMLL2IUZW2ZLB 555-415-1337 c0rrect-h0rse-battery liz.private@example.net 16505550100 \
    mona@github.com favorite_art_piece sharedSecret recoveryPhone phoneNumber; do
    grep -qiF -- "$secret" okta.json google.json github-org.json || fail "$secret is not in the sample exports"
    ! grep -qiF -- "$secret" all.json || fail "$secret reached the document"
done

# ---- each provider alone; pages; Entra without its policies -------------------------

expect_status 0 $VIGIL collect identity --entra entra.json -o entra-only.json
validate vigil-collect-identity entra-only.json
check entra-only.json '[.accounts[].mfa_enforced] == [null, null, null, null] and .providers[0].mfa_enforced == null
    and [.accounts[] | [.status, .enabled, .last_sign_in]] == [["unknown", null, null], ["unknown", null, null], ["unknown", null, null], ["unknown", null, null]]
    and (.providers[0] | has("conditional_access") or has("users") | not) and .leavers == [] and .leavers_source == null' \
    "Entra without Conditional Access and users: MFA enforcement, status and sign-ins unknown"
# A policy for directory roles only (Global Administrator's role template id): it may reach the
# administrator, whose roles the export does not list, and reaches no one else.
jq '.value[2].conditions.users.includeUsers = ["None"] | .value[2].conditions.users.excludeUsers = []
    | .value[2].conditions.users.includeRoles = ["62e90394-69f5-4237-9190-012177145e10"]' entra-ca.json >entra-ca-roles.json
expect_status 0 $VIGIL collect identity --entra entra.json --entra-ca entra-ca-roles.json -o roles.json
check roles.json '[.accounts[] | [.login, .mfa_enforced]] == [["AlexW@Contoso.com", false], ["AllanD@Contoso.com", false],
    ["BiancaP@Contoso.com", false], ["AdeleV@Contoso.com", null]] and .providers[0].mfa_enforced == false
    and [.providers[0].conditional_access.mfa_policies[].scope] == ["roles"]' "a Conditional Access policy for roles only"
# A disabled account: accountEnabled false reads "suspended".
jq '.value[1].accountEnabled = false' entra-users.json >entra-users-disabled.json
expect_status 0 $VIGIL collect identity --entra entra.json --entra-users entra-users-disabled.json -o disabled.json
check disabled.json '.accounts[0] | .status == "suspended" and .enabled == false' "accountEnabled false"
# Pages as the APIs return them (@odata.nextLink, nextPageToken), concatenated into an array.
python3 - <<'PY' || fail "splitting the exports into pages"
import json
e = json.load(open("entra.json"))
pages = [dict(e, value=e["value"][:3]), {"@odata.context": e["@odata.context"], "value": e["value"][3:]}]
pages[0]["@odata.nextLink"] = "https://graph.microsoft.com/v1.0/reports/authenticationMethods/userRegistrationDetails?$skiptoken=x"
json.dump(pages, open("entra-pages.json", "w"))
g = json.load(open("google.json"))
json.dump([dict(g, users=g["users"][:1], nextPageToken="x"), dict(g, users=g["users"][1:])], open("google-pages.json", "w"))
PY
expect_status 0 $VIGIL collect identity --entra entra-pages.json --google google-pages.json -o pages.json
expect_status 0 $VIGIL collect identity --entra entra.json --google google.json -o whole.json
[ "$(jq -c .accounts pages.json)" = "$(jq -c .accounts whole.json)" ] || fail "paged exports read otherwise than whole ones"
expect_status 0 $VIGIL collect identity --github-org github-org-no2fa.json --github-org github-org.json -o twice.json
check twice.json '[.accounts[] | [.login, .mfa_registered, .mfa_enforced]] == [["octocat", false, false], ["hubot", true, false],
    ["monalisa", true, false], ["octocat", true, true], ["hubot", true, true], ["monalisa", true, true]]
    and [.providers[].mfa_enforced] == [false, true]' "two organisations, one without the 2FA requirement"
# Standard output when no -o is given.
expect_status 0 $VIGIL collect identity --okta okta.json
jq -e '.accounts | length == 5' "$TMP/stdout" >/dev/null || fail "the document on standard output"

# ---- usage errors (exit 2) -------------------------------------------------------------

expect_status 2 $VIGIL collect identity
expect_stderr 'name at least one export'
expect_status 2 $VIGIL collect identity --entra-ca entra-ca.json --entra entra.json
expect_stderr 'must follow the --entra'
expect_status 2 $VIGIL collect identity --okta okta.json --entra-users entra-users.json
expect_stderr '--entra-users entra-users.json must follow the --entra'
expect_status 2 $VIGIL collect identity --entra entra.json --entra-ca entra-ca.json --entra-ca entra-ca.json
expect_status 2 $VIGIL collect identity --okta okta.json stray-argument
expect_status 2 $VIGIL collect identity --no-such-option
expect_status 0 $VIGIL collect identity --help
grep -q -- '--github-org FILE' "$TMP/stdout" || fail "--help does not list --github-org"

# ---- malformed and oversized inputs: exit 1, "FILE: what", nothing written ---------------

echo '{"previous": true}' >kept.json
# bad OPTION FILE PATTERN: the export FILE given with OPTION fails with PATTERN,
# and neither a new output nor an existing one is written.
bad() {
    rm -f new.json
    expect_status 1 $VIGIL collect identity "$1" "$2" -o new.json
    expect_stderr "$3"
    [ ! -e new.json ] || fail "$2: a document was written"
    expect_status 1 $VIGIL collect identity "$1" "$2" -o kept.json
    [ "$(cat kept.json)" = '{"previous": true}' ] || fail "$2: the previous document was changed"
}
printf 'users,id\nnot json\n' >notjson.json
bad --okta notjson.json '^vigil: notjson\.json: not valid JSON \(line 1'
jq '.users = {"id": "x"}' okta.json >users-object.json
bad --okta users-object.json '^vigil: users-object\.json: "users" must be an array \(GET /api/v1/users\)'
jq '.users[1].status = 7' okta.json >status-number.json
bad --okta status-number.json '^vigil: status-number\.json: users\[1\]: "status" must be a string'
jq '.users[0].lastLogin = "last tuesday"' okta.json >bad-time.json
bad --okta bad-time.json '^vigil: bad-time\.json: users\[0\]: "last tuesday" is not an RFC 3339 date-time'
jq 'del(.users[2].id)' okta.json >no-id.json
bad --okta no-id.json '^vigil: no-id\.json: users\[2\]: no "id" string'
jq '.factors["00u15s1KDETTQMQYABRL"] = "sms"' okta.json >factors-string.json
bad --okta factors-string.json 'factors-string\.json: factors\.00u15s1KDETTQMQYABRL: must be an array'
jq '.value[0].isAdmin = "yes"' entra.json >admin-string.json
bad --entra admin-string.json '^vigil: admin-string\.json: value\[0\]: "isAdmin" must be true or false'
echo '[{"value": []}, 3]' >entra-badpage.json
bad --entra entra-badpage.json '^vigil: entra-badpage\.json: page 1: not an object with an array "value"'
jq '.users[1].name = "Bob"' google.json >name-string.json
bad --google name-string.json '^vigil: name-string\.json: users\[1\]: "name" must be an object'
jq '.members[0].id = "1"' github-org.json >id-string.json
bad --github-org id-string.json 'id-string\.json: members\[0\]: a simple-user needs "login" and an integer "id"'
jq 'del(.org)' github-org.json >no-org.json
bad --github-org no-org.json '"org" must be the object of GET /orgs/\{org\}'
jq '.org.two_factor_requirement_enabled = "true"' github-org.json >tfa-string.json
bad --github-org tfa-string.json 'org: "two_factor_requirement_enabled" must be true or false'
python3 -c 'print("{\"users\": [" + "[" * 3000 + "]" * 3000 + "]}")' >deep.json
bad --google deep.json '^vigil: deep\.json: not valid JSON .*(deep|depth|nest)'
bad --okta no-such-file.json '^vigil: no-such-file\.json: No such file or directory'
# The Conditional Access export is checked as the other is.
echo '{"value": {}}' >ca-object.json
rm -f new.json
expect_status 1 $VIGIL collect identity --entra entra.json --entra-ca ca-object.json -o new.json
expect_stderr '^vigil: ca-object\.json: "value" must be an array \(GET /identity/conditionalAccess/policies\)'
[ ! -e new.json ] || fail "ca-object.json: a document was written"
jq '.value[0].signInActivity = "yesterday"' entra-users.json >activity-string.json
expect_status 1 $VIGIL collect identity --entra entra.json --entra-users activity-string.json -o new.json
expect_stderr '^vigil: activity-string\.json: value\[0\]: "signInActivity" must be an object'
jq '.value[1].signInActivity.lastSignInDateTime = "2025-13-01T00:00:00Z"' entra-users.json >activity-date.json
expect_status 1 $VIGIL collect identity --entra entra.json --entra-users activity-date.json -o new.json
expect_stderr '^vigil: activity-date\.json: value\[1\]: "2025-13-01T00:00:00Z" is not an RFC 3339 date-time'
[ ! -e new.json ] || fail "the Entra users: a document was written"

# Sizes: an export over 256 MiB, more than 200 000 accounts, a string over 1 KiB.
truncate -s $((256 * 1024 * 1024 + 1)) huge.json
bad --okta huge.json '^vigil: huge\.json: larger than 256 MiB'
python3 -c 'import json; json.dump({"value": [{"id": "u%d" % i} for i in range(200001)]}, open("many.json", "w"))'
bad --entra many.json '^vigil: many\.json: more than 200000 accounts in all'
jq --arg l "$(head -c 1025 /dev/zero | tr '\0' a)" '.users[0].primaryEmail = $l' google.json >long.json
bad --google long.json '^vigil: long\.json: users\[0\]: "primaryEmail" is longer than 1024 bytes'

# The leavers CSV: header, two fields, real dates, size, count.
# leavers_bad NAME CONTENT PATTERN
leavers_bad() {
    printf "$2" >"$1"
    rm -f new.json
    expect_status 1 $VIGIL collect identity --okta okta.json --leavers "$1" -o new.json
    expect_stderr "$3"
    [ ! -e new.json ] || fail "$1: a document was written"
}
leavers_bad noheader.csv 'bob@example.com,2025-08-01\n' '^vigil: noheader\.csv: line 1: the header must be "id,leaving_date"'
leavers_bad baddate.csv 'id,leaving_date\nbob@example.com,2025-02-30\n' '^vigil: baddate\.csv: line 2: leaving_date "2025-02-30" is not a date YYYY-MM-DD'
leavers_bad usdate.csv 'id,leaving_date\r\nbob@example.com,08/01/2025\r\n' '^vigil: usdate\.csv: line 2: leaving_date "08/01/2025" is not a date'
leavers_bad threefields.csv 'id,leaving_date\nbob,2025-08-01,x\n' '^vigil: threefields\.csv: line 2: expected two fields'
leavers_bad quoted.csv 'id,leaving_date\n"bob",2025-08-01\n' '^vigil: quoted\.csv: line 2: expected two fields "id,leaving_date" \(no quotes\)'
leavers_bad noid.csv 'id,leaving_date\n,2025-08-01\n' '^vigil: noid\.csv: line 2: an id of 1 to 1024 bytes is needed'
leavers_bad empty.csv '' '^vigil: empty\.csv: empty'
truncate -s $((16 * 1024 * 1024 + 1)) huge.csv
rm -f new.json
expect_status 1 $VIGIL collect identity --okta okta.json --leavers huge.csv -o new.json
expect_stderr '^vigil: huge\.csv: larger than 16 MiB'
[ ! -e new.json ] || fail "huge.csv: a document was written"
python3 -c 'print("id,leaving_date"); [print("u%d,2025-01-01" % i) for i in range(200001)]' >manyleavers.csv
rm -f new.json
expect_status 1 $VIGIL collect identity --okta okta.json --leavers manyleavers.csv -o new.json
expect_stderr '^vigil: manyleavers\.csv: more than 200000 leavers'
# A byte order mark, blank lines and spaces around fields are accepted.
printf '\xef\xbb\xbfid , leaving_date\n\n  BOB@example.com , 2025-08-01 \n' >bom.csv
expect_status 0 $VIGIL collect identity --google google.json --leavers bom.csv -o bom.json
check bom.json '.leavers == [{id: "BOB@example.com", leaving_date: "2025-08-01", accounts: [{provider: "google", id: "114327615098765432101"}]}]' \
    "a leaver matched by e-mail in another case"
# One account matched by its login and its e-mail, exactly and in any case, is listed once;
# a leaver listed twice keeps the earlier date; an id without @ matches case-sensitively.
printf 'id,leaving_date\nalice.smith@example.com,2025-08-02\nALICE.SMITH@EXAMPLE.COM,2025-08-01\nOctocat,2025-08-01\n' >twice.csv
expect_status 0 $VIGIL collect identity --okta okta.json --github-org github-org.json --leavers twice.csv -o twice-leavers.json
check twice-leavers.json '[.leavers[] | [.id, (.accounts | length)]] == [["alice.smith@example.com", 1], ["ALICE.SMITH@EXAMPLE.COM", 1], ["Octocat", 0]]
    and .accounts[0].leaving_date == "2025-08-01" and .summary.leavers_unmatched == 1' "one account, two spellings, the earlier date"

echo "ok: collect identity reads the published shapes of Okta, Entra, Google and GitHub exports and refuses malformed ones"
