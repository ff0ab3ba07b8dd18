# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pipeline_global_optspecs
    string join \n json color= q/quiet v/verbose log-format= config= tenant= project= h/help V/version
end

function __fish_pipeline_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pipeline_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pipeline_using_subcommand
    set -l cmd (__fish_pipeline_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pipeline -n "__fish_pipeline_needs_command" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_needs_command" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_needs_command" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_needs_command" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_needs_command" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_needs_command" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_needs_command" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_needs_command" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_needs_command" -s V -l version -d 'Print version'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "spawn" -d 'Run a multi-agent pipeline from a plan (exit 0 consensus, 2 no consensus, 3 revoked, 1 error)'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "validate" -d 'Check a plan without running it: every problem at once, each as FILE:LINE:COLUMN (exit 0 valid, 64 not)'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "continue" -d 'Drive a pipeline whose driver stopped; finished work is not repeated'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "list" -d 'List pipelines: the active ones, or all with --all'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "status" -d 'Show a pipeline: its status, agents, GAMMA, votes, deliverables and who drives it'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "watch" -d 'Follow a pipeline live until it settles (exit codes as for `spawn`)'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "dashboard" -d 'A full-screen view of the tenant\'s pipelines, alerts, agents, votes, ledger events and charts, with actions by key'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "revoke" -d 'Revoke a pipeline: its token and every agent token issued under it'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "gc" -d 'Revoke the tokens of settled pipelines and of pipelines whose driver is gone'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "approve" -d 'Approve (or --reject) a human gate of a pipeline; recorded with who, when and the digest of what was approved'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "consensus" -d 'Votes and the tally of a pipeline; fallbacks after a consensus failure'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "artifacts" -d 'List the files a pipeline\'s agents left (deliverables first), with their paths'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "blackboard" -d 'Show a pipeline\'s blackboard: problem, solutions, progress, conflicts, consensus'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "messages" -d 'Show the direct messages (PROPOSAL, FEEDBACK, HANDOFF) of a pipeline'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "logs" -d 'Show a pipeline\'s audit trail: its own events and its agents\''
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "report" -d 'Write a pipeline\'s whole record as one self-contained HTML page'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "agent" -d 'Run one governed agent, or one governed command'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "agents" -d 'Agents\' trust state: list, show, promote, demote, revoke, reinstate, approve'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "revocations" -d 'List revoked agents and why'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "handoff" -d 'Show the newest handoff on a task: why the agent stopped, where, what it tried, what to do next'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "errors" -d 'Summarise errors, violations, revocations and failed runs across agents (from the ledger)'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "metrics" -d 'Print metrics in the Prometheus text format (agents by tier and phase, revocations, violations, budgets, token TTLs, ledger size)'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "token" -d 'A pipeline\'s token (TTL, renewals; --reveal), or tier tokens by hand: issue, renew, lookup, revoke'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "templates" -d 'Agent templates: list, search, show, add, rm (plans name them as `template: NAME@VERSION`)'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "plan" -d 'Stored plans: add (prints the id for `spawn --plan ID`), list, show, rm'
complete -c pipeline -n "__fish_pipeline_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l plan -d 'The plan: a file (YAML or JSON; schema/json/plan.schema.json), or a stored plan\'s id (pl3) or name' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l tier -d 'The pipeline\'s tier; its agents run at it or below [default: the plan\'s, else 0]' -r -f -a "0\t'observer'
1\t'operator'
2\t'builder'
3\t'executor'
4\t'architect'"
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l objective -d 'Replace the plan\'s objective' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l var -d 'A value for one of the plan\'s `variables`, as `${NAME}` in it (repeatable)' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l timeout -d 'Fail the pipeline if it is not done within this long [default: the plan\'s timeout, else 30m]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l metrics-file -d 'Keep Prometheus metrics in this file while running (rewritten atomically every 10 s and at the end; for node_exporter\'s textfile collector)' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l detach -d 'Run in the background: print the id and return at once'
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand spawn" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -l tier -d 'The tier the pipeline would be spawned at [default: the plan\'s, else 0]' -r -f -a "0\t'observer'
1\t'operator'
2\t'builder'
3\t'executor'
4\t'architect'"
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -l var -d 'A value for one of the plan\'s `variables` (repeatable)' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -l metrics-file -d 'Keep Prometheus metrics in this file while running (rewritten atomically every 10 s and at the end; for node_exporter\'s textfile collector)' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -l detach -d 'Run in the background: return at once'
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand continue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -l all -d 'Also the settled ones (completed, failed, no consensus)'
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand status" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand status" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand status" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand status" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand status" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand status" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand status" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand status" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -l every -d 'How often to look' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -l metrics-file -d 'Keep Prometheus metrics in this file while running (rewritten atomically every 10 s and at the end; for node_exporter\'s textfile collector)' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand watch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l pipeline -d 'The pipeline to select at first (the newest otherwise)' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l filter -d 'Show only the pipelines whose id, state or plan contains TEXT' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l pane -d 'The pane under the pipelines at first (Tab changes it)' -r -f -a "agents\t'The selected pipeline\'s agents, gates and votes'
log\t'The selected pipeline\'s ledger events'
charts\t'Pipelines per hour, durations, error rates'"
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l once -d 'Print one frame as text and exit (for scripts)'
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand dashboard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -l reason -d 'Why (recorded in the ledger)' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand gc" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand gc" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand gc" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand gc" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand gc" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand gc" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand gc" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand gc" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand gc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l stage -d 'The gate\'s stage' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l reason -d 'Why (recorded)' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l digest -d 'The digest you reviewed (from `pipeline status`): refused if what is to be approved changed since' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l reject -d 'Reject instead: the stage fails (and so do the stages that require it)'
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand approve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -f -a "status" -d 'Show the votes of the current round and the tally they make'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -f -a "fallback" -d 'Choose a fallback after a consensus failure'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and not __fish_seen_subcommand_from status fallback help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from status" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from status" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from status" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from status" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from status" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from status" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l action -d 'What to do' -r -f -a "rerun_same\t''
rerun_gamma\t''
escalate_tier\t''
accept_partial\t''
download_log\t''"
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l output -d 'Where download_log writes (JSON)' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l metrics-file -d 'Keep Prometheus metrics in this file while running (rewritten atomically every 10 s and at the end; for node_exporter\'s textfile collector)' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l yes -d 'Confirms accept_partial (your name is recorded as having accepted)'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l detach -d 'Rerun in the background'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from fallback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the votes of the current round and the tally they make'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from help" -f -a "fallback" -d 'Choose a fallback after a consensus failure'
complete -c pipeline -n "__fish_pipeline_using_subcommand consensus; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand artifacts" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand artifacts" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand artifacts" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand artifacts" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand artifacts" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand artifacts" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand artifacts" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand artifacts" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand artifacts" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -l section -d 'Only this section' -r -f -a "problem\t''
solutions\t''
progress\t''
final\t''
conflicts\t''
consensus\t''"
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -l round -d 'Only this round [default: the current one]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand blackboard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -l to -d 'Only messages to this role' -r -f -a "alpha\t''
beta\t''
gamma\t''"
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand messages" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -l limit -d 'At most this many events (the newest)' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -l html -d 'Where to write the page (replaced atomically: all of it or nothing)' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -f -a "run" -d 'Run a command as a governed agent (exit 0 completed, 3 revoked, 1 failed)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -f -a "exec" -d 'Run one command if the caller\'s tier allows it (ledgered either way)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and not __fish_seen_subcommand_from run exec help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l packet -d 'The instruction packet (JSON, schema/json/packet.schema.json)' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l tier -d 'The tier to run at [default: the packet\'s, else the tier the agent has earned]' -r -f -a "0\t'observer'
1\t'operator'
2\t'builder'
3\t'executor'
4\t'architect'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l driver -d 'How the agent runs: `command` (the program after `--`) or `llm` (a model behind an OpenAI-compatible API; see AGOV_LLM_*)' -r -f -a "command\t''
llm\t''"
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l work-dir -d 'Where the llm driver writes the deliverables [default: ./agov-work/TASK]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l metrics-file -d 'Keep Prometheus metrics in this file while running (rewritten atomically every 10 s and at the end; for node_exporter\'s textfile collector)' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -l tier -d 'The tier to check against when there is no AGOV_TOKEN' -r -f -a "0\t'observer'
1\t'operator'
2\t'builder'
3\t'executor'
4\t'architect'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run a command as a governed agent (exit 0 completed, 3 revoked, 1 failed)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "exec" -d 'Run one command if the caller\'s tier allows it (ledgered either way)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -f -a "list" -d 'List agents: tier, runs, compliant streak, revocations'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -f -a "show" -d 'Show an agent: tier, record, current run (phase, lock, heartbeat, budget), violations'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -f -a "promote" -d 'Raise an agent\'s tier (T3 and T4 need --approve, recorded with who approved)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -f -a "demote" -d 'Lower an agent\'s tier (its compliant streak starts again)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -f -a "revoke" -d 'Revoke an agent: its current token is revoked, its run stops within seconds, and it cannot start again until reinstated'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -f -a "reinstate" -d 'Let a revoked agent run again (at the tier it was demoted to)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -f -a "approve" -d 'Approve the action an agent asked for (by the digest it was answered with); recorded with who approved'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and not __fish_seen_subcommand_from list show promote demote revoke reinstate approve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from list" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from list" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from list" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from list" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from show" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from show" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from show" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from show" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -l to -d 'The tier to give it [default: the next one]' -r -f -a "0\t'observer'
1\t'operator'
2\t'builder'
3\t'executor'
4\t'architect'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -l approve -d 'Record your approval (needed for tier 3 and 4)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from promote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -l to -d 'The tier to give it [default: the one below]' -r -f -a "0\t'observer'
1\t'operator'
2\t'builder'
3\t'executor'
4\t'architect'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from demote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -l reason -d 'Why (recorded, and shown to whoever looks at it next)' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from reinstate" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from reinstate" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from reinstate" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from reinstate" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from reinstate" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from reinstate" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from reinstate" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from reinstate" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from reinstate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -l reason -d 'Why (recorded)' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from approve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "list" -d 'List agents: tier, runs, compliant streak, revocations'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show an agent: tier, record, current run (phase, lock, heartbeat, budget), violations'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "promote" -d 'Raise an agent\'s tier (T3 and T4 need --approve, recorded with who approved)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "demote" -d 'Lower an agent\'s tier (its compliant streak starts again)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke an agent: its current token is revoked, its run stops within seconds, and it cannot start again until reinstated'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "reinstate" -d 'Let a revoked agent run again (at the tier it was demoted to)'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "approve" -d 'Approve the action an agent asked for (by the digest it was answered with); recorded with who approved'
complete -c pipeline -n "__fish_pipeline_using_subcommand agents; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand revocations" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand revocations" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand revocations" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand revocations" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand revocations" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand revocations" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand revocations" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand revocations" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand revocations" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand handoff" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand handoff" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand handoff" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand handoff" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand handoff" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand handoff" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand handoff" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand handoff" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand handoff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -l since -d 'Since when: a duration ago (24h), RFC 3339 or a date' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand errors" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -l output -d 'Write them to this file atomically instead (for node_exporter\'s textfile collector; name it *.prom)' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand metrics" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -l reveal -d 'Also print the token itself (recorded in the ledger)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -a "issue" -d 'Issue a token for a tier (its TTL from policies/tiers.toml); prints its accessor, and the token only with --reveal'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -a "renew" -d 'Renew the token in AGOV_TOKEN for another full TTL (the one it was issued with)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -a "lookup" -d 'Show a token\'s tier and remaining life (by accessor, or the one in AGOV_TOKEN)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -a "revoke" -d 'Revoke a token by accessor, with every token issued under it (idempotent)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and not __fish_seen_subcommand_from issue renew lookup revoke help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -l tier -d 'The tier' -r -f -a "0\t'observer'
1\t'operator'
2\t'builder'
3\t'executor'
4\t'architect'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -l name -d 'A name shown in lookups and Vault\'s audit log' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -l reveal -d 'Print the token itself (it is a secret: keep it out of logs)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from issue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from renew" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from renew" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from renew" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from renew" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from renew" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from renew" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from renew" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from renew" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from lookup" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from lookup" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from lookup" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from lookup" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from lookup" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from lookup" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from lookup" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from lookup" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from lookup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from revoke" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from revoke" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from revoke" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from revoke" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from revoke" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from revoke" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from revoke" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "issue" -d 'Issue a token for a tier (its TTL from policies/tiers.toml); prints its accessor, and the token only with --reveal'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "renew" -d 'Renew the token in AGOV_TOKEN for another full TTL (the one it was issued with)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "lookup" -d 'Show a token\'s tier and remaining life (by accessor, or the one in AGOV_TOKEN)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a token by accessor, with every token issued under it (idempotent)'
complete -c pipeline -n "__fish_pipeline_using_subcommand token; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -f -a "list" -d 'List the stored agent templates (the newest version of each; --all-versions for every one)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -f -a "search" -d 'Search templates by name, description and tags (words must all match; end a word with * for a prefix)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -f -a "show" -d 'Show one template in full: NAME for the newest version, NAME@VERSION for one'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -f -a "add" -d 'Add templates from YAML/JSON files or folders of them (all or none; a stored version never changes)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -f -a "rm" -d 'Remove a template: NAME@VERSION removes that version, NAME every version (ledgered)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and not __fish_seen_subcommand_from list search show add rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -l all-versions -d 'Every version, not only the newest'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -l limit -d 'At most this many results' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from show" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from show" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from show" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from show" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from add" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from add" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from add" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from add" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from add" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from add" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from rm" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from rm" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from rm" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from rm" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from rm" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from rm" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the stored agent templates (the newest version of each; --all-versions for every one)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "search" -d 'Search templates by name, description and tags (words must all match; end a word with * for a prefix)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one template in full: NAME for the newest version, NAME@VERSION for one'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add templates from YAML/JSON files or folders of them (all or none; a stored version never changes)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a template: NAME@VERSION removes that version, NAME every version (ledgered)'
complete -c pipeline -n "__fish_pipeline_using_subcommand templates; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -f -a "add" -d 'Check a plan file and store it; prints its id for `pipeline spawn --plan ID` (the same text twice is one plan)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -f -a "list" -d 'List the stored plans (id, name, objective)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -f -a "show" -d 'Show a stored plan as written (by id, pl3, or by name: the newest stored with it)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -f -a "rm" -d 'Remove a stored plan (by id, pl3, or by name: the newest stored with it); pipelines already spawned keep their copy'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and not __fish_seen_subcommand_from add list show rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from add" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from add" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from add" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from add" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from add" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from add" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from list" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from list" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from list" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from list" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from list" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from list" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from show" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from show" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from show" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from show" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from show" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from show" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from rm" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from rm" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from rm" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from rm" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from rm" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from rm" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from help" -f -a "add" -d 'Check a plan file and store it; prints its id for `pipeline spawn --plan ID` (the same text twice is one plan)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the stored plans (id, name, objective)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show a stored plan as written (by id, pl3, or by name: the newest stored with it)'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a stored plan (by id, pl3, or by name: the newest stored with it); pipelines already spawned keep their copy'
complete -c pipeline -n "__fish_pipeline_using_subcommand plan; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "spawn" -d 'Run a multi-agent pipeline from a plan (exit 0 consensus, 2 no consensus, 3 revoked, 1 error)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "validate" -d 'Check a plan without running it: every problem at once, each as FILE:LINE:COLUMN (exit 0 valid, 64 not)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "continue" -d 'Drive a pipeline whose driver stopped; finished work is not repeated'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "list" -d 'List pipelines: the active ones, or all with --all'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "status" -d 'Show a pipeline: its status, agents, GAMMA, votes, deliverables and who drives it'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "watch" -d 'Follow a pipeline live until it settles (exit codes as for `spawn`)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "dashboard" -d 'A full-screen view of the tenant\'s pipelines, alerts, agents, votes, ledger events and charts, with actions by key'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "revoke" -d 'Revoke a pipeline: its token and every agent token issued under it'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "gc" -d 'Revoke the tokens of settled pipelines and of pipelines whose driver is gone'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "approve" -d 'Approve (or --reject) a human gate of a pipeline; recorded with who, when and the digest of what was approved'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "consensus" -d 'Votes and the tally of a pipeline; fallbacks after a consensus failure'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "artifacts" -d 'List the files a pipeline\'s agents left (deliverables first), with their paths'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "blackboard" -d 'Show a pipeline\'s blackboard: problem, solutions, progress, conflicts, consensus'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "messages" -d 'Show the direct messages (PROPOSAL, FEEDBACK, HANDOFF) of a pipeline'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "logs" -d 'Show a pipeline\'s audit trail: its own events and its agents\''
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "report" -d 'Write a pipeline\'s whole record as one self-contained HTML page'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "agent" -d 'Run one governed agent, or one governed command'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "agents" -d 'Agents\' trust state: list, show, promote, demote, revoke, reinstate, approve'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "revocations" -d 'List revoked agents and why'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "handoff" -d 'Show the newest handoff on a task: why the agent stopped, where, what it tried, what to do next'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "errors" -d 'Summarise errors, violations, revocations and failed runs across agents (from the ledger)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "metrics" -d 'Print metrics in the Prometheus text format (agents by tier and phase, revocations, violations, budgets, token TTLs, ledger size)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "token" -d 'A pipeline\'s token (TTL, renewals; --reveal), or tier tokens by hand: issue, renew, lookup, revoke'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "templates" -d 'Agent templates: list, search, show, add, rm (plans name them as `template: NAME@VERSION`)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "plan" -d 'Stored plans: add (prints the id for `spawn --plan ID`), list, show, rm'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and not __fish_seen_subcommand_from spawn validate continue list status watch dashboard revoke gc approve consensus artifacts blackboard messages logs report agent agents revocations handoff errors metrics token templates plan help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from consensus" -f -a "status" -d 'Show the votes of the current round and the tally they make'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from consensus" -f -a "fallback" -d 'Choose a fallback after a consensus failure'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "run" -d 'Run a command as a governed agent (exit 0 completed, 3 revoked, 1 failed)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "exec" -d 'Run one command if the caller\'s tier allows it (ledgered either way)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "list" -d 'List agents: tier, runs, compliant streak, revocations'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "show" -d 'Show an agent: tier, record, current run (phase, lock, heartbeat, budget), violations'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "promote" -d 'Raise an agent\'s tier (T3 and T4 need --approve, recorded with who approved)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "demote" -d 'Lower an agent\'s tier (its compliant streak starts again)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "revoke" -d 'Revoke an agent: its current token is revoked, its run stops within seconds, and it cannot start again until reinstated'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "reinstate" -d 'Let a revoked agent run again (at the tier it was demoted to)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from agents" -f -a "approve" -d 'Approve the action an agent asked for (by the digest it was answered with); recorded with who approved'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "issue" -d 'Issue a token for a tier (its TTL from policies/tiers.toml); prints its accessor, and the token only with --reveal'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "renew" -d 'Renew the token in AGOV_TOKEN for another full TTL (the one it was issued with)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "lookup" -d 'Show a token\'s tier and remaining life (by accessor, or the one in AGOV_TOKEN)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from token" -f -a "revoke" -d 'Revoke a token by accessor, with every token issued under it (idempotent)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from templates" -f -a "list" -d 'List the stored agent templates (the newest version of each; --all-versions for every one)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from templates" -f -a "search" -d 'Search templates by name, description and tags (words must all match; end a word with * for a prefix)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from templates" -f -a "show" -d 'Show one template in full: NAME for the newest version, NAME@VERSION for one'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from templates" -f -a "add" -d 'Add templates from YAML/JSON files or folders of them (all or none; a stored version never changes)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from templates" -f -a "rm" -d 'Remove a template: NAME@VERSION removes that version, NAME every version (ledgered)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from plan" -f -a "add" -d 'Check a plan file and store it; prints its id for `pipeline spawn --plan ID` (the same text twice is one plan)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from plan" -f -a "list" -d 'List the stored plans (id, name, objective)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from plan" -f -a "show" -d 'Show a stored plan as written (by id, pl3, or by name: the newest stored with it)'
complete -c pipeline -n "__fish_pipeline_using_subcommand help; and __fish_seen_subcommand_from plan" -f -a "rm" -d 'Remove a stored plan (by id, pl3, or by name: the newest stored with it); pipelines already spawned keep their copy'
