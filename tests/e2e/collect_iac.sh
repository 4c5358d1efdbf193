# collect_iac.sh — `vigil collect iac --terraform-plan` on the plan documents
# of tests/data/iac (README.md there says how each was made):
#   tf-data-create.json, tf-data-change.json  made by Terraform 1.11.4's own
#       `terraform show -json` of plans of terraform_data resources (a
#       sensitive variable, a child module; create, then update, replace and
#       delete);
#   cloud-plan.json  AWS, Google Cloud and Azure resources written after the
#       Terraform JSON output format and the providers' documented attributes.
#   k8s/website/*.yaml  Kubernetes documentation examples, unedited
#       (kubernetes/website content/en/examples/pods/security/
#       security-context.yaml, -2, -4; service/networking/
#       network-policy-default-deny-ingress.yaml, -allow-all-ingress.yaml);
#   k8s/shop/app.yaml (a multi-document stream: a Namespace, a hardened
#       Deployment, the documentation's default-deny-all policy in that
#       namespace, a Secret) and k8s/shop/system.json (a List: a privileged
#       DaemonSet with hostNetwork, hostPID and a hostPath, a CronJob with an
#       initContainer running as root, a ConfigMap), written after the
#       Kubernetes API reference.
# The expected facts below are written by hand from those inputs, and the
# resources and actions are compared with what jq reads from the plans
# themselves.  Then malformed and huge plans: exit 1, "FILE: what is wrong",
# no output written (an old output keeps its content).  The documents are
# validated against docs/collect-iac.schema.json.
source "$(dirname "$0")/lib.sh"
need_cmd jq
DATA="$VIGIL_SRC/tests/data/iac"
cd "$TMP"

# check FILE.json JQ WHAT: the jq expression JQ is true of FILE.json.
check() {
    jq -e "$2" "$1" >/dev/null || { jq . "$1" >&2; fail "$1: $3"; }
}
# rule FILE.json ADDRESS: the public ingress of one network rule, compact.
ingress() { jq -c --arg a "$2" '.terraform.network_rules[] | select(.address == $a) | .public_ingress' "$1"; }

# ---- the plans Terraform made ---------------------------------------------------------
for f in tf-data-create tf-data-change; do
    expect_status 0 $VIGIL collect iac --terraform-plan "$DATA/$f.json" -o $f.json
    validate vigil-collect-iac $f.json
    jq -c '[.resource_changes[] | {address, mode, type, actions: .change.actions}]' "$DATA/$f.json" >want.json
    jq -c '[.terraform.resources[] | {address, mode, type, actions}]' $f.json >got.json
    cmp -s want.json got.json || { diff want.json got.json >&2; fail "$f: resources and actions differ from the plan's"; }
    check $f.json '.terraform.format_version == "1.2" and .terraform.terraform_version == "1.11.4"' "$f: versions"
    check $f.json '.terraform.unjudged_types == ["terraform_data"] and ([.terraform.resources[].judged] | all | not)
        and .terraform.network_rules == [] and .terraform.drift == [] and .unchecked == []' "$f: nothing judged"
    # var.db_password is sensitive: named, its value never copied
    check $f.json '.terraform.resources[] | select(.address == "terraform_data.replacement") | .sensitive_attributes == ["input"]' \
        "$f: the sensitive input is named"
    ! grep -q 'not-a-real-password' $f.json || fail "$f: the sensitive value was copied"
done
check tf-data-create.json '[.terraform.resources[].actions] == [["create"], ["create"], ["create"]]' "create: three creates"
check tf-data-create.json '.terraform.resources[1].unknown_attributes == ["id", "output", "triggers_replace"]' \
    "create: id, output and triggers_replace are known after apply"
check tf-data-change.json '[.terraform.resources[].actions] == [["update"], ["delete", "create"], ["delete"]]' \
    "change: updated in place, replaced, destroyed (as terraform plan printed)"

# ---- cloud resources --------------------------------------------------------------------
expect_status 0 $VIGIL collect iac --terraform-plan "$DATA/cloud-plan.json" -o cloud.json
validate vigil-collect-iac cloud.json
check cloud.json '.["vigil-evidence"] == "iac" and .schema == 1 and .unchecked == [] and .target == "'"$DATA"'/cloud-plan.json"' \
    "the common members"
[ "$(ingress cloud.json aws_security_group.bastion)" = \
  '[{"protocol":"tcp","from_port":22,"to_port":22,"sources":["0.0.0.0/0"],"admin_ports":[22]},{"protocol":"tcp","from_port":443,"to_port":443,"sources":["0.0.0.0/0","::/0"],"admin_ports":[]}]' ] ||
    fail "bastion: SSH and HTTPS from anywhere: $(ingress cloud.json aws_security_group.bastion)"
[ "$(ingress cloud.json aws_security_group.database)" = '[]' ] || fail "database: 10.0.0.0/16 is not public"
[ "$(ingress cloud.json aws_security_group_rule.rdp)" = \
  '[{"protocol":"tcp","from_port":3389,"to_port":3389,"sources":["::/0"],"admin_ports":[3389]}]' ] || fail "rdp from ::/0"
[ "$(ingress cloud.json aws_security_group_rule.egress)" = '[]' ] || fail "an egress rule is no ingress"
check cloud.json '.terraform.network_rules[] | select(.address == "aws_security_group_rule.redis")
    | .public_ingress == [] and .undetermined == ["cidr_blocks"]' "redis: cidr_blocks known after apply is undetermined, not safe"
[ "$(ingress cloud.json aws_vpc_security_group_ingress_rule.everything | jq -c '.[0] | [.protocol, .from_port, .to_port, (.admin_ports | length)]')" = \
  '["-1",0,65535,20]' ] || fail "ip_protocol -1 from 0.0.0.0/0: every port, all 20 admin ports"
[ "$(ingress cloud.json aws_vpc_security_group_ingress_rule.https)" = \
  '[{"protocol":"tcp","from_port":443,"to_port":443,"sources":["::/0"],"admin_ports":[]}]' ] || fail "https from ::/0"
[ "$(ingress cloud.json google_compute_firewall.ssh)" = \
  '[{"protocol":"tcp","from_port":22,"to_port":22,"sources":["0.0.0.0/0"],"admin_ports":[22]},{"protocol":"tcp","from_port":8000,"to_port":8080,"sources":["0.0.0.0/0"],"admin_ports":[]}]' ] ||
    fail "google firewall: ports 22 and 8000-8080 from 0.0.0.0/0 (direction unknown: INGRESS is the default)"
[ "$(ingress cloud.json google_compute_firewall.internal)" = '[]' ] || fail "10.128.0.0/9 is not public"
[ "$(ingress cloud.json azurerm_network_security_rule.sql)" = \
  '[{"protocol":"Tcp","from_port":1433,"to_port":1433,"sources":["Internet"],"admin_ports":[1433]}]' ] || fail "azure: 1433 from Internet"
[ "$(ingress cloud.json azurerm_network_security_rule.deny_ssh)" = '[]' ] || fail "a Deny rule opens nothing"
[ "$(ingress cloud.json 'module.network.aws_security_group.ssh[0]' | jq -c '[.[].admin_ports]')" = '[[22]]' ] ||
    fail "the child module's counted security group"
check cloud.json '(.terraform.network_rules | length) == 12' "12 network resources"
check cloud.json '.terraform.storage == [
    {address: "aws_ebs_volume.encrypted", type: "aws_ebs_volume", attribute: "encrypted", encrypted: true},
    {address: "aws_ebs_volume.plain", type: "aws_ebs_volume", attribute: "encrypted", encrypted: false},
    {address: "aws_ebs_volume.account_default", type: "aws_ebs_volume", attribute: "encrypted", encrypted: "unknown"},
    {address: "aws_db_instance.main", type: "aws_db_instance", attribute: "storage_encrypted", encrypted: true}]' \
    "storage: encrypted, not, known after apply; the volume being deleted has no facts"
check cloud.json '.terraform.s3_buckets == [
    {address: "aws_s3_bucket.data", sse_configuration: true, access_logging: true},
    {address: "aws_s3_bucket.logs", sse_configuration: false, access_logging: false}]' \
    "s3: the encryption configuration by reference (bucket unknown), the logging by name"
check cloud.json '.terraform.cloudtrails == [{address: "aws_cloudtrail.main", multi_region: true, log_file_validation: true}]' "cloudtrail"
check cloud.json '.terraform.drift == [{address: "aws_security_group.database", type: "aws_security_group", actions: ["update"]}]' "drift"
check cloud.json '.terraform.unjudged_types == ["aws_instance"]' "unjudged: aws_instance (the data source is not managed)"
check cloud.json '.terraform.resources[] | select(.address == "data.aws_iam_policy_document.trail") | .mode == "data" and .judged == false' \
    "the data source"
check cloud.json '.terraform.resources[] | select(.address == "aws_db_instance.main") | .sensitive_attributes == ["password"]' \
    "the database password is named"
! grep -q 'example-only-not-a-secret' cloud.json || fail "the database password was copied"

# ---- bad input: exit 1, the file named, nothing written -------------------------------
echo '{"old": true}' >kept.json
printf '[' >notjson.json
head -c 2000 "$DATA/tf-data-create.json" >truncated.json
echo '{"format_version":"1.0","terraform_version":"1.11.4","values":{"root_module":{}}}' >state.json
echo '{"version":4,"terraform_version":"1.11.4","resources":[]}' >rawstate.json
echo '{"format_version":"1.2","resource_changes":{}}' >notarray.json
echo '{"format_version":"1.2","resource_changes":[{"address":"x.y"}]}' >nochange.json
python3 -c 'print("[" * 3000 + "]" * 3000)' >deep.json
truncate -s 257M huge.json
for f in notjson truncated state rawstate notarray nochange deep huge; do
    expect_status 1 $VIGIL collect iac --terraform-plan $f.json -o kept.json
    expect_stderr "^vigil: $f.json: "
    [ "$(cat kept.json)" = '{"old": true}' ] || fail "$f.json: the old output was overwritten"
    expect_status 1 $VIGIL collect iac --terraform-plan $f.json -o new.json
    [ ! -e new.json ] || fail "$f.json: output written for a refused plan"
done
expect_status 1 $VIGIL collect iac --terraform-plan state.json
expect_stderr 'state.json: a Terraform JSON document without "planned_values" or "resource_changes"'
expect_status 1 $VIGIL collect iac --terraform-plan rawstate.json
expect_stderr 'rawstate.json: not a Terraform plan in the JSON output format 1.x'
expect_status 1 $VIGIL collect iac --terraform-plan deep.json
expect_stderr 'deep.json: not valid JSON .*nested deeper than 2048 levels'
expect_status 1 $VIGIL collect iac --terraform-plan huge.json
expect_stderr 'huge.json: larger than 256 MiB: refused'
expect_status 1 $VIGIL collect iac --terraform-plan missing.json
expect_stderr 'missing.json: No such file'

# ---- Kubernetes manifests ---------------------------------------------------------------
expect_status 0 $VIGIL collect iac --k8s "$DATA/k8s" -o k8s.json
validate vigil-collect-iac k8s.json
check k8s.json '.target == "'"$DATA"'/k8s" and (has("terraform") | not) and .kubernetes.files == 7 and .kubernetes.documents == 10' \
    "7 files, 10 documents (app.yaml's trailing --- is no document; the List is one)"
# c FILE.json NAME CONTAINER: one container's facts, compact, without its image.
c() { jq -c --arg n "$2" --arg c "$3" '.kubernetes.workloads[] | select(.name == $n) | .containers[] | select(.name == $c) | del(.image)' "$1"; }
[ "$(c k8s.json security-context-demo sec-ctx-demo)" = \
  '{"name":"sec-ctx-demo","init":false,"image_digest":false,"run_as_non_root":null,"run_as_user":1000,"privileged":false,"allow_privilege_escalation":false,"read_only_root_filesystem":false,"capabilities_added":[]}' ] ||
    fail "security-context.yaml: the pod's runAsUser 1000, allowPrivilegeEscalation false: $(c k8s.json security-context-demo sec-ctx-demo)"
[ "$(c k8s.json security-context-demo-2 sec-ctx-demo-2 | jq -c '[.run_as_user, .allow_privilege_escalation]')" = '[2000,false]' ] ||
    fail "security-context-2.yaml: the container's runAsUser 2000 wins over the pod's 1000"
[ "$(c k8s.json security-context-demo-4 sec-ctx-4 | jq -c '[.capabilities_added, .run_as_user, .run_as_non_root]')" = '[["NET_ADMIN","SYS_TIME"],null,null]' ] ||
    fail "security-context-4.yaml (flow style after ---): NET_ADMIN and SYS_TIME added"
[ "$(c k8s.json web web)" = \
  '{"name":"web","init":false,"image_digest":true,"run_as_non_root":true,"run_as_user":10001,"privileged":false,"allow_privilege_escalation":false,"read_only_root_filesystem":true,"capabilities_added":[]}' ] ||
    fail "shop/web: hardened: $(c k8s.json web web)"
check k8s.json '.kubernetes.workloads[] | select(.name == "node-agent") | .kind == "DaemonSet" and .namespace == "monitoring"
    and .host_network and .host_pid and (.host_ipc | not) and .host_path_volumes == ["proc"]' "node-agent: host namespaces, hostPath proc"
[ "$(c k8s.json node-agent agent | jq -c '[.privileged, .run_as_user, .image_digest]')" = '[true,0,false]' ] || fail "node-agent: privileged, root"
[ "$(jq -c '[.kubernetes.workloads[] | select(.name == "backup") | .containers[] | [.name, .init, .run_as_non_root, .run_as_user]]' k8s.json)" = \
  '[["wait",true,true,0],["backup",false,true,null]]' ] || fail "the CronJob's initContainer (runAsUser 0) and container"
check k8s.json '[.kubernetes.workloads[] | .kind] == ["Deployment", "DaemonSet", "CronJob", "Pod", "Pod", "Pod"]' "workloads in file order"
check k8s.json '.kubernetes.namespaces == [
    {workloads: 3, network_policies: 2, default_deny_ingress: true, default_deny_egress: false, namespace: "default"},
    {workloads: 2, network_policies: 0, default_deny_ingress: false, default_deny_egress: false, namespace: "monitoring"},
    {workloads: 1, network_policies: 1, default_deny_ingress: true, default_deny_egress: true, namespace: "shop"}]' \
    "namespaces: default denies ingress (default-deny-ingress; allow-all-ingress has a rule), shop denies both"
check k8s.json '[.kubernetes.network_policies[] | [.name, .ingress_rules, .default_deny_ingress, .default_deny_egress]]
    == [["default-deny-all", 0, true, true], ["allow-all-ingress", 1, false, false], ["default-deny-ingress", 0, true, false]]' \
    "the three policies"
check k8s.json '.kubernetes.other_kinds == ["ConfigMap", "Secret"]' "other kinds named"
! grep -q 'example-only-k8s-not-a-secret' k8s.json || fail "the Secret's value was copied"
# both at once
expect_status 0 $VIGIL collect iac --terraform-plan "$DATA/tf-data-create.json" --k8s "$DATA/k8s" -o both.json
validate vigil-collect-iac both.json
check both.json 'has("terraform") and has("kubernetes")' "both members"

# bad manifests: the file named, nothing written
mkdir -p bad1 bad2 bad3 bad4
cp "$DATA/k8s/website/security-context.yaml" bad1/
printf 'kind: Pod\nmetadata: {name: x\n' >bad1/zz-broken.yaml
printf 'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f]\n' >bad2/laughs.yaml
python3 -c 'print("--- {kind: ConfigMap}\n" * 10001, end="")' >bad3/many.yaml
truncate -s 17M bad4/huge.yml
for b in bad1/zz-broken.yaml bad2/laughs.yaml bad3/many.yaml bad4/huge.yml; do
    expect_status 1 $VIGIL collect iac --k8s "$(dirname $b)" -o kept.json
    expect_stderr "^vigil: $b: "
    [ "$(cat kept.json)" = '{"old": true}' ] || fail "$b: the old output was overwritten"
    expect_status 1 $VIGIL collect iac --k8s "$(dirname $b)" -o new.json
    [ ! -e new.json ] || fail "$b: output written for a refused manifest"
done
expect_status 1 $VIGIL collect iac --k8s bad1
expect_stderr 'bad1/zz-broken.yaml: not valid YAML \(line 3'
expect_status 1 $VIGIL collect iac --k8s bad2
expect_stderr 'bad2/laughs.yaml: .*more than 2000000 values'
expect_status 1 $VIGIL collect iac --k8s bad3
expect_stderr 'bad3/many.yaml: more than 10000 YAML documents'
expect_status 1 $VIGIL collect iac --k8s bad4
expect_stderr 'bad4/huge.yml: larger than 16 MiB: refused'
expect_status 1 $VIGIL collect iac --k8s missing-dir
expect_stderr 'missing-dir: No such file'
expect_status 2 $VIGIL collect iac --k8s "$DATA/cloud-plan.json"
expect_stderr 'not a directory'

# ---- usage ---------------------------------------------------------------------------
expect_status 2 $VIGIL collect iac
expect_stderr 'name a plan with --terraform-plan FILE or manifests with --k8s DIR'
expect_status 2 $VIGIL collect iac --terraform-plan "$DATA/cloud-plan.json" extra
expect_status 0 $VIGIL collect iac --help
grep -q -- '--terraform-plan FILE' "$TMP/stdout" && grep -q -- '--k8s DIR' "$TMP/stdout" || fail "--help does not describe the options"
echo "ok"
