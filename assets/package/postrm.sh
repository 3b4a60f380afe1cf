#!/bin/sh
# Removing the package keeps the updates settings (and every user's data);
# purging it removes the settings file it installed. Users' data is theirs:
# it is never removed here.
set -e
if [ "$1" = "purge" ]; then
  rm -f /etc/coopdesk/updates.toml
  rmdir /etc/coopdesk 2>/dev/null || true
fi
exit 0
