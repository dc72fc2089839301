#!/bin/sh
# A fake agent for the drafting tests: records its arguments, its stdin and the prompt file
# ($1 is where), then answers a canned draft the way `claude --output-format json` does.
log="$1"
printf '%s\n' "$@" > "$log.argv"
cat > "$log.stdin"
if [ -f "$4" ]; then cp "$4" "$log.promptfile"; fi
printf '{"type":"result","result":"Sessions must survive a restart of any node (@.aiwg/requirements/use-cases/UC-001-login.md).\\n\\nRedis already runs for rate limits."}\n'
