#!/bin/sh
# A bring-your-own-container entry point in plain shell: no Python, no framework. It reads the
# SageMaker contract (SM_* variables and --key value arguments), "trains" by counting the lines of
# the train channel, and writes a model file and an output file.
set -eu

greeting=hello
while [ $# -gt 0 ]; do
  case "$1" in
    --greeting) greeting=$2; shift 2 ;;
    *) shift ;;
  esac
done

lines=$(cat "$SM_CHANNEL_TRAIN"/* | wc -l | tr -d ' ')
# GREETING_NAME comes from the environment (smtk local --env GREETING_NAME=world).
echo "$greeting${GREETING_NAME:+ $GREETING_NAME} from $SM_CURRENT_HOST of $SM_HOSTS: $lines lines in channel train"
printf '{"lines": %s, "host": "%s"}\n' "$lines" "$SM_CURRENT_HOST" > "$SM_MODEL_DIR/model.json"
echo "trained on $lines lines" > "$SM_OUTPUT_DATA_DIR/summary.txt"
