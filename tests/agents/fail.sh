#!/bin/sh
# A fake agent that fails the way a real one does: a message on stderr and a non-zero status.
echo "starting agent" >&2
echo "error: model overloaded, try again later" >&2
exit 3
