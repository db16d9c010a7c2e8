#!/usr/bin/env bash
# Placeholder until the foundation lands: builds and runs every test project.
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-}" in
  test) dotnet build ZkDashboard.sln -c Release && dotnet test ZkDashboard.sln -c Release --no-build ;;
  *) echo "usage: ./build.sh demo|test|bench" >&2; exit 2 ;;
esac
