# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_checkpoint_global_optspecs
    string join \n json color= q/quiet v/verbose log-format= config= tenant= project= h/help V/version
end

function __fish_checkpoint_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_checkpoint_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_checkpoint_using_subcommand
    set -l cmd (__fish_checkpoint_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c checkpoint -n "__fish_checkpoint_needs_command" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c checkpoint -n "__fish_checkpoint_needs_command" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c checkpoint -n "__fish_checkpoint_needs_command" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c checkpoint -n "__fish_checkpoint_needs_command" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c checkpoint -n "__fish_checkpoint_needs_command" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c checkpoint -n "__fish_checkpoint_needs_command" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -s V -l version -d 'Print version'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -f -a "now" -d 'Take a checkpoint of the current state, with notes for whoever resumes'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -f -a "load" -d 'The last checkpoint (or ID) and everything that changed since: the briefing after a reset'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -f -a "report" -d 'Where things stand right now: workdir, bugs, STATUS.md files, runtime, latest events'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -f -a "timeline" -d 'List checkpoints, newest first'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -f -a "show" -d 'Show one checkpoint in full'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -f -a "diff" -d 'What changed between two checkpoints'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -f -a "prune" -d 'Delete old checkpoints; the ledger\'s record of them stays and still verifies'
complete -c checkpoint -n "__fish_checkpoint_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -s n -l notes -d 'What you were doing and what comes next' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -l no-sweep -d 'Do not sweep the STATUS.md files under the current directory'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand now" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -l per-group -d 'Items to show per group of changes' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand load" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -l handoff -d 'Also write a Markdown handoff report to this file (agents, their handoffs, bugs, directories, latest events; the facts as JSON at the end)' -r -F
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -l no-sweep -d 'Do not sweep the STATUS.md files under the current directory'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -l since -d 'Only those taken since: RFC 3339, a date, or a duration ago (7d)' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -l limit -d 'At most this many' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand timeline" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand show" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand show" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand show" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c checkpoint -n "__fish_checkpoint_using_subcommand show" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand show" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand show" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand show" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand show" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand diff" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand diff" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand diff" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c checkpoint -n "__fish_checkpoint_using_subcommand diff" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand diff" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand diff" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand diff" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand diff" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -l keep -d 'Keep the newest N' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -l older-than -d 'Delete those older than this, e.g. 30d' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand help; and not __fish_seen_subcommand_from now load report timeline show diff prune help" -f -a "now" -d 'Take a checkpoint of the current state, with notes for whoever resumes'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand help; and not __fish_seen_subcommand_from now load report timeline show diff prune help" -f -a "load" -d 'The last checkpoint (or ID) and everything that changed since: the briefing after a reset'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand help; and not __fish_seen_subcommand_from now load report timeline show diff prune help" -f -a "report" -d 'Where things stand right now: workdir, bugs, STATUS.md files, runtime, latest events'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand help; and not __fish_seen_subcommand_from now load report timeline show diff prune help" -f -a "timeline" -d 'List checkpoints, newest first'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand help; and not __fish_seen_subcommand_from now load report timeline show diff prune help" -f -a "show" -d 'Show one checkpoint in full'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand help; and not __fish_seen_subcommand_from now load report timeline show diff prune help" -f -a "diff" -d 'What changed between two checkpoints'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand help; and not __fish_seen_subcommand_from now load report timeline show diff prune help" -f -a "prune" -d 'Delete old checkpoints; the ledger\'s record of them stays and still verifies'
complete -c checkpoint -n "__fish_checkpoint_using_subcommand help; and not __fish_seen_subcommand_from now load report timeline show diff prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
