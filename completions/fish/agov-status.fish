# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_agov_status_global_optspecs
    string join \n json color= q/quiet v/verbose log-format= config= tenant= project= h/help V/version
end

function __fish_agov_status_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_agov_status_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_agov_status_using_subcommand
    set -l cmd (__fish_agov_status_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c agov-status -n "__fish_agov_status_needs_command" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c agov-status -n "__fish_agov_status_needs_command" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c agov-status -n "__fish_agov_status_needs_command" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c agov-status -n "__fish_agov_status_needs_command" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c agov-status -n "__fish_agov_status_needs_command" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c agov-status -n "__fish_agov_status_needs_command" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c agov-status -n "__fish_agov_status_needs_command" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c agov-status -n "__fish_agov_status_needs_command" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c agov-status -n "__fish_agov_status_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agov-status -n "__fish_agov_status_needs_command" -s V -l version -d 'Print version'
complete -c agov-status -n "__fish_agov_status_needs_command" -f -a "sweep" -d 'Report every directory\'s phase, the stale ones and those without a STATUS.md'
complete -c agov-status -n "__fish_agov_status_needs_command" -f -a "update" -d 'Change a directory\'s STATUS.md (created if missing); hand-written text is kept'
complete -c agov-status -n "__fish_agov_status_needs_command" -f -a "dashboard" -d 'Counts and task progress per phase across a tree'
complete -c agov-status -n "__fish_agov_status_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -l stale-days -d 'A STATUS.md not updated for this many days is stale' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -l missing -d 'Also list the directories without a STATUS.md'
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c agov-status -n "__fish_agov_status_using_subcommand sweep" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l phase -d 'New phase: not_started, in_progress, blocked or complete' -r -f -a "not_started\t''
in_progress\t''
blocked\t''
complete\t''"
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l task -d 'Add a task (repeat for more)' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l done -d 'Tick a task, by its number or its text (repeat for more)' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l note -d 'Add a dated note' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l owner -d 'Set the owner' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l root -d 'DIR must be inside this tree [default: the current directory]' -r -F
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c agov-status -n "__fish_agov_status_using_subcommand update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -l stale-days -d 'A STATUS.md not updated for this many days is stale' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c agov-status -n "__fish_agov_status_using_subcommand dashboard" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agov-status -n "__fish_agov_status_using_subcommand help; and not __fish_seen_subcommand_from sweep update dashboard help" -f -a "sweep" -d 'Report every directory\'s phase, the stale ones and those without a STATUS.md'
complete -c agov-status -n "__fish_agov_status_using_subcommand help; and not __fish_seen_subcommand_from sweep update dashboard help" -f -a "update" -d 'Change a directory\'s STATUS.md (created if missing); hand-written text is kept'
complete -c agov-status -n "__fish_agov_status_using_subcommand help; and not __fish_seen_subcommand_from sweep update dashboard help" -f -a "dashboard" -d 'Counts and task progress per phase across a tree'
complete -c agov-status -n "__fish_agov_status_using_subcommand help; and not __fish_seen_subcommand_from sweep update dashboard help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
