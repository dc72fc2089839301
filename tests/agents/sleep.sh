#!/bin/sh
# A fake agent that never answers: writes its process ID to $1, then sleeps in its place.
echo $$ > "$1"
exec sleep 60
