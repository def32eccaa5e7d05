#!/bin/sh
# deb post-install: the app on PATH (as electron-builder's default does) and its CLI.
ln -sf '/opt/Alignment Tax Planner/alignment-tax-planner' /usr/bin/alignment-tax-planner
ln -sf '/opt/Alignment Tax Planner/resources/bin/atax' /usr/bin/atax
