#!/usr/bin/env bash
# Refreshes the Public Suffix List shipped in the filing-registry jar, and the list's own test cases that
# PublicSuffixListTest runs. Review the diff (git diff --stat) and run `mvn -B verify` before committing.
#   scripts/refresh-psl.sh            # from publicsuffix.org and the list's GitHub repository
#   scripts/refresh-psl.sh DIR        # from a folder holding public_suffix_list.dat, test_psl.txt, tests.txt
set -euo pipefail
cd "$(dirname "$0")/.."
resources=filing-registry/src/main/resources/dev/beian/host
tests=filing-registry/src/test/resources/psl
if [ $# -ge 1 ]; then
  cp "$1/public_suffix_list.dat" "$resources/public_suffix_list.dat"
  cp "$1/test_psl.txt" "$1/tests.txt" "$tests/"
else
  curl -fsSL https://publicsuffix.org/list/public_suffix_list.dat -o "$resources/public_suffix_list.dat.new"
  curl -fsSL https://raw.githubusercontent.com/publicsuffix/list/main/tests/test_psl.txt -o "$tests/test_psl.txt"
  curl -fsSL https://raw.githubusercontent.com/publicsuffix/list/main/tests/tests.txt -o "$tests/tests.txt"
  grep -q '===BEGIN ICANN DOMAINS===' "$resources/public_suffix_list.dat.new"
  mv "$resources/public_suffix_list.dat.new" "$resources/public_suffix_list.dat"
fi
wc -l "$resources/public_suffix_list.dat" "$tests/test_psl.txt"
