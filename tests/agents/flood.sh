#!/bin/sh
# A fake agent that answers far too much.
head -c 2000000 /dev/zero | tr '\0' 'x'
