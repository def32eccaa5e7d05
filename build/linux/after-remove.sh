#!/bin/sh
# deb removal: the links that after-install.sh made.
rm -f /usr/bin/alignment-tax-planner /usr/bin/atax
