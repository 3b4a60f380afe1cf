#!/bin/sh
# Installs the updates settings file the first time only: IT's edits to
# /etc/coopdesk/updates.toml are kept across upgrades (docs/install.md).
set -e
if [ ! -e /etc/coopdesk/updates.toml ]; then
  mkdir -p /etc/coopdesk
  cp /usr/share/coopdesk/updates.toml /etc/coopdesk/updates.toml
  chmod 644 /etc/coopdesk/updates.toml
fi
exit 0
