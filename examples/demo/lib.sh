# Shared by the demo scripts (sourced): the step / note / fail printers and the
# count of unexpected results.
failures=0
step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
fail() {
  printf '    UNEXPECTED: %s\n' "$*"
  failures=$((failures + 1))
}
