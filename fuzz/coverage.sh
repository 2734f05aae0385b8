#!/usr/bin/env bash
# Runs one Jazzer @FuzzTest coverage-guided for a given time.
#
#   fuzz/coverage.sh DURATION [TARGET]
#
#   DURATION  seconds (600), or with a unit: 90s, 10m, 1h
#   TARGET    a test class with one @FuzzTest, or Class#method (default: SyscallSurfaceFuzzTest)
#
# Environment: KEEP_GOING=N stops after N distinct findings (default 5; Jazzer stops at the first
# with 1). JAVA_HOME defaults to the JDK 25 of this machine.
#
# Jazzer 0.24's instrumentation (ASM 9.7) reads class files up to Java 23 only, so the project is
# compiled here with -source/-target 23 into target-fuzz/ (apart from the usual target/). Inputs
# that make the test fail are written to the test's Inputs directory,
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-*, where every build runs them
# as regression inputs; commit the ones that show real bugs. The corpus the fuzzer grows is kept in
# <module>/.cifuzz-corpus/ (not committed) and seeds the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 || $# -gt 2 ]]; then
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi

duration=$1
case $duration in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "bad duration: $duration" >&2; exit 2; }

target=${2:-SyscallSurfaceFuzzTest}
class=${target%%#*}
source=$(find . -path "*/src/test/java/*" -name "$class.java" -not -path "./*/target*" | head -n 1)
[[ -n $source ]] || { echo "no test class $class" >&2; exit 2; }
module=${source#./}
module=${module%%/*}
if [[ $target != *"#"* ]]; then
  methods=$(grep -A3 '@FuzzTest' "$source" | grep -o 'void [A-Za-z0-9_]*(' | sed 's/void //; s/(//')
  count=$(printf '%s\n' "$methods" | grep -c . || true)
  if [[ $count -ne 1 ]]; then
    echo "$class has $count fuzz tests; name one: $(printf '%s ' $methods | sed "s/\([^ ]*\)/$class#\1/g")" >&2
    exit 2
  fi
  method=$methods
else
  method=${target#*#}
fi

if [[ -z ${JAVA_HOME:-} && -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi

# Jazzer's sanitizers look for injection bugs in web code: nothing to find in a kernel, and their
# hooks into the JDK's own (Java 25) classes fail. The kernel's invariant checker runs after every
# kernel entry; its coverage would only slow the fuzzer down.
sanitizers=ClojureLangHooks:Deserialization:ExpressionLanguageInjection:LdapInjection:NamingContextLookup
sanitizers+=:OsCommandInjection:ReflectiveCall:RegexInjection:RegexRoadblocks:ScriptEngineInjection
sanitizers+=:ServerSideRequestForgery:SqlInjection:XPathInjection
disabled=$(printf '%s\n' "${sanitizers//:/$'\n'}" | sed 's/^/com.code_intelligence.jazzer.sanitizers./' | paste -sd: -)

inputs=$(dirname "${source#./$module/src/test/java/}")
inputs="$module/src/test/resources/$inputs/${class}Inputs/$method"
mkdir -p "$inputs"
mkdir -p "$module/target-fuzz"
log="$module/target-fuzz/coverage-$class-$method.log"
echo "fuzzing $class#$method in $module for ${seconds}s; findings go to $inputs; log $log"

status=0
JAZZER_FUZZ=1 ./mvnw -B -pl "$module" -am test \
  -Dkola.target=target-fuzz -Dmaven.compiler.source=23 -Dmaven.compiler.target=23 \
  -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.hooks=true -Djazzer.disabled_hooks="$disabled" \
  -Djazzer.instrumentation_excludes='kola.kernel.Invariants*' \
  -Djazzer.keep_going="${KEEP_GOING:-5}" \
  -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
  >"$log" 2>&1 || status=$?

grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^Done [0-9]+ runs' "$log" || true
last=$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$log" | tail -n 1 || true)
[[ -n $last ]] && echo "last: $last"
grep -E '^== Java Exception|^Caused by|FuzzTestFindingException' "$log" | sort | uniq -c || true
new=$(git status --porcelain --untracked-files=all -- "$inputs" | sed 's/^?? //')
if [[ -n $new ]]; then
  echo "new inputs that fail (each now runs in every build until removed or fixed):"
  printf '  %s\n' $new
fi
exit $status
