#!/usr/bin/env bash
# Install the offline Quarto bundle (../shared/quarto, when it sits beside the repository)
# into a writable folder outside the clone, and print that Quarto's bin folder on stdout.
#
#   scripts/install_quarto.sh            # used by .ci/run and `make quarto-dev`
#
# The project never needs this: without Quarto the paper is rendered by the Pandoc and Typst
# fallback and the tests marked `quarto` skip with their reason.  It is how CI and a developer
# get the Quarto the paper is published with.  Settings (environment):
#   QUARTO_SHARED   folder holding install.sh          (default: ../shared/quarto)
#   QUARTO_PREFIX   where to install                    (default: $XDG_CACHE_HOME/panelpaper/quarto,
#                   or under $TMPDIR when the cache folder cannot be written)
# Exit status: 0 installed (or already installed); 3 no bundle here; 1 the install failed.
# Messages go to stderr; the installer's own log is kept in PREFIX.log.
set -uo pipefail
cd "$(dirname "$0")/.."

shared="${QUARTO_SHARED:-../shared/quarto}"
if [ ! -f "$shared/install.sh" ]; then
  echo "quarto: no offline bundle at $shared/install.sh" >&2
  exit 3
fi

prefix="${QUARTO_PREFIX:-}"
if [ -z "$prefix" ]; then
  prefix="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/panelpaper/quarto"
  if ! mkdir -p "$prefix" 2>/dev/null || [ ! -w "$prefix" ]; then
    prefix="${TMPDIR:-/tmp}/panelpaper-quarto-$(id -u)"
  fi
fi
mkdir -p "$prefix" || { echo "quarto: cannot create $prefix" >&2; exit 1; }
log="$prefix.log"

echo "quarto: installing $shared into $prefix (log: $log) ..." >&2
started=$SECONDS
if bin="$(bash "$shared/install.sh" "$prefix" 2>"$log" | tail -n 1)" && [ -x "$bin/quarto" ]; then
  echo "quarto: $("$bin/quarto" --version) ready in $((SECONDS - started)) s: $bin" >&2
  echo "$bin"
else
  echo "quarto: the install failed; the last lines of $log:" >&2
  tail -n 15 "$log" >&2
  exit 1
fi
