#!/bin/sh
# The image's entrypoint. Before the bot starts (`rapport serve ...`) it brings the
# database schema up to date, so a new image never runs on an old schema; any other
# command (`rapport chat`, `rapport migrate`, a shell) runs as given.
# Kubernetes overrides this entrypoint and migrates in an initContainer instead.
set -eu

if [ "${1:-}" = "rapport" ] && [ "${2:-}" = "serve" ]; then
    rapport migrate
fi
exec "$@"
