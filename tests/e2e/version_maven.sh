#!/bin/bash
# version_maven.sh — differential test of vigil's Maven ordering against
# ComparableVersion from Debian's maven-artifact jar (libmaven3-core-java)
# on 120 000 generated pairs.
source "$(dirname "$0")/lib.sh"
source "$VIGIL_SRC/tests/tools/version-ref/difflib.sh"
need_cmd java
need_cmd javac
JAR=/usr/share/java/maven-artifact-3.x.jar
[ -f "$JAR" ] || skip "$JAR is absent (libmaven3-core-java)"

gen_pairs maven 120000 4205 "$TMP/pairs"
vigil_compare Maven "$TMP/pairs" "$TMP/vigil"
javac -d "$TMP/classes" -cp "$JAR" "$REF_DIR/MavenRef.java"
java -cp "$TMP/classes:$JAR" MavenRef "$TMP/pairs" >"$TMP/ref"
agree "$TMP/pairs" "$TMP/vigil" "$TMP/ref" "Maven vs ComparableVersion" 100000 2
