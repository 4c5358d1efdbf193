#!/bin/bash
# xml_hostile — XML attacks and damage in the files the java and dotnet
# catalogers read (pom.xml, .nuspec, .csproj), beside a real POM from
# Debian's Maven repository and one whose internal entities are legitimate:
#  - "billion laughs" (nested entities, 10^9 expansions) and a quadratic
#    blow-up (one 64 KiB entity referenced 4 096 times), in a POM and in a
#    UTF-16 project file: refused by expat's amplification limit;
#  - external entities naming file:///etc/passwd (a general entity in a
#    POM and a .nuspec; a parameter entity in the internal subset whose
#    declarations are then used): refused, nothing of /etc/passwd anywhere;
#  - a DOCTYPE naming an external DTD but using nothing from it: read,
#    the DTD never fetched;
#  - elements nested deeper than 256, an encoding expat does not know
#    (windows-1252), a truncated POM.
# Each refusal is a warning naming the file, the line and the problem; the
# rest is listed as libxml2 (xmllint --noent) reads it; exit status 3.
source "$(dirname "$0")/lib.sh"
need_cmd python3
need_cmd xmllint
need_cmd iconv
REAL=/usr/share/maven-repo/commons-io/commons-io/debian/commons-io-debian.pom
[ -f "$REAL" ] || skip "$REAL is absent (setup.sh installs libcommons-io-java)"
grep -q '^root:' /etc/passwd || skip "/etc/passwd has no root entry to look for"

R=$TMP/root
mkdir -p "$R"/{good,entities,laughs,quadratic,xxe,xxe-param,xxe-dtd,deep,cp1252,broken,nuget,proj}
cp "$REAL" "$R/good/pom.xml"
head -c "$(($(wc -c <"$REAL") / 2))" "$REAL" >"$R/broken/pom.xml"
cat >"$R/entities/pom.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE project [
  <!ENTITY asf "The Apache Software Foundation">
  <!ENTITY release "2.11.0">
]>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.example</groupId>
  <artifactId>entities</artifactId>
  <version>&release;</version>
  <description>Made by &asf; &amp; friends, release &release;</description>
</project>
X
cat >"$R/laughs/pom.xml" <<'X'
<?xml version="1.0"?>
<!DOCTYPE project [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<project><groupId>org.example</groupId><artifactId>laughs</artifactId><version>1</version>
  <description>&lol9;</description>
</project>
X
python3 - "$R/quadratic/pom.xml" <<'PY'
import sys
open(sys.argv[1], "w").write('<?xml version="1.0"?>\n<!DOCTYPE project [<!ENTITY a "' + "a" * 65536 + '">]>\n'
    '<project><groupId>org.example</groupId><artifactId>quadratic</artifactId><version>1</version>\n'
    '<description>' + "&a;" * 4096 + '</description></project>\n')
PY
cat >"$R/xxe/pom.xml" <<'X'
<?xml version="1.0"?>
<!DOCTYPE project [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<project><groupId>org.example</groupId><artifactId>xxe</artifactId><version>1</version>
  <name>x</name>
  <description>&xxe;</description>
</project>
X
cat >"$R/xxe-param/pom.xml" <<'X'
<?xml version="1.0"?>
<!DOCTYPE project [
  <!ENTITY % remote SYSTEM "file:///etc/passwd">
  %remote;
  <!ENTITY send "declared after the parameter entity">
]>
<project><groupId>org.example</groupId><artifactId>xxe-param</artifactId><version>1</version>
  <description>&send;</description>
</project>
X
cat >"$R/xxe-dtd/pom.xml" <<'X'
<?xml version="1.0"?>
<!DOCTYPE project SYSTEM "file:///etc/passwd">
<project><groupId>org.example</groupId><artifactId>xxe-dtd</artifactId><version>1</version>
  <description>nothing from the DTD is needed</description>
</project>
X
python3 - "$R/deep/pom.xml" <<'PY'
import sys
open(sys.argv[1], "w").write('<project><artifactId>deep</artifactId>\n' + "<a>" * 300 + "</a>" * 300 + "</project>\n")
PY
printf '<?xml version="1.0" encoding="windows-1252"?>\n<project><groupId>g</groupId><artifactId>cp1252</artifactId><version>1</version></project>\n' \
    >"$R/cp1252/pom.xml"
cat >"$R/nuget/evil.nuspec" <<'X'
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE package [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Evil</id>
    <version>1.0.0</version>
    <authors>&xxe;</authors>
    <description>x</description>
  </metadata>
</package>
X
{ sed -n '2,13p' "$R/laughs/pom.xml" | sed 's/DOCTYPE project/DOCTYPE Project/'
  printf '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup><Description>&lol9;</Description></PropertyGroup>\n'
  printf '  <ItemGroup><PackageReference Include="Evil" Version="1.0.0" /></ItemGroup>\n</Project>\n'
} >"$TMP/evil.csproj"
{ printf '\xff\xfe'; { echo '<?xml version="1.0" encoding="UTF-16"?>'; cat "$TMP/evil.csproj"; } |
    iconv -f UTF-8 -t UTF-16LE; } >"$R/proj/Evil.csproj"

expect_status 3 "$VIGIL" sbom "$R" -o cyclonedx-json="$TMP/bom.json"
validate_cyclonedx "$TMP/bom.json"
cp "$TMP/stderr" "$TMP/warnings"
expect_stderr 'laughs/pom\.xml: .*line 15: entity references expand to more than 10 times'
expect_stderr 'quadratic/pom\.xml: .*line 4: entity references expand to more than 10 times'
expect_stderr 'proj/Evil\.csproj: .*line 15: entity references expand to more than 10 times'
expect_stderr 'xxe/pom\.xml: .*line 5: refers to the external entity "file:///etc/passwd"'
expect_stderr 'nuget/evil\.nuspec: .*line 7: refers to the external entity "file:///etc/passwd"'
expect_stderr 'xxe-param/pom\.xml: .*line 8: refers to the entity &send; that is not declared'
expect_stderr 'deep/pom\.xml: .*line 2: elements nested more than 256 deep'
expect_stderr 'cp1252/pom\.xml: .*line 1: encoding "windows-1252" is not supported'
expect_stderr 'broken/pom\.xml: .*line [0-9]+: (unclosed token|no element found)'
[ "$(grep -c 'warning: ' "$TMP/warnings")" -eq 9 ] || { cat "$TMP/warnings" >&2; fail "not 9 warnings"; }
! grep -qF "$(head -1 /etc/passwd)" "$TMP/bom.json" "$TMP/warnings" || fail "/etc/passwd leaked into the output"

# What is listed: the three readable POMs, as xmllint (with entities substituted) reads them.
python3 - "$TMP/bom.json" >"$TMP/vigil.txt" <<'PY'
import json, sys
for c in json.load(open(sys.argv[1]))["components"]:
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    if c.get("type") == "application":
        print(props["vigil:location"], props.get("vigil:java:group"), c["name"], c.get("version"),
              json.dumps(c.get("description")))
PY
for d in good entities xxe-dtd; do
    x() { xmllint --noent --nonet --xpath "string(/*/*[local-name()='$1'])" "$R/$d/pom.xml" | sed 's/^[ \t]*//;s/[ \t]*$//'; }
    desc=$(xmllint --noent --nonet --xpath "string(/*/*[local-name()='description'])" "$R/$d/pom.xml" |
        python3 -c 'import json, sys; s = sys.stdin.read().strip(" \t\r\n"); print(json.dumps(s or None))')
    echo "$d/pom.xml $(x groupId) $(x artifactId) $(x version) $desc"
done >"$TMP/ref.txt"
grep -q 'entities/pom.xml org.example entities 2.11.0 "Made by The Apache' "$TMP/ref.txt" || fail "reference: entities not expanded"
same_lines "$TMP/vigil.txt" "$TMP/ref.txt" "readable POMs (vigil vs xmllint --noent)"
echo "ok: 9 hostile or damaged XML files refused with the file, line and reason; the rest read as xmllint reads them"
