# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ledger_global_optspecs
    string join \n json color= q/quiet v/verbose log-format= config= tenant= project= h/help V/version
end

function __fish_ledger_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ledger_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ledger_using_subcommand
    set -l cmd (__fish_ledger_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ledger -n "__fish_ledger_needs_command" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c ledger -n "__fish_ledger_needs_command" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c ledger -n "__fish_ledger_needs_command" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c ledger -n "__fish_ledger_needs_command" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c ledger -n "__fish_ledger_needs_command" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c ledger -n "__fish_ledger_needs_command" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c ledger -n "__fish_ledger_needs_command" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c ledger -n "__fish_ledger_needs_command" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c ledger -n "__fish_ledger_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ledger -n "__fish_ledger_needs_command" -s V -l version -d 'Print version'
complete -c ledger -n "__fish_ledger_needs_command" -f -a "note" -d 'Append an operator\'s annotation to the ledger'
complete -c ledger -n "__fish_ledger_needs_command" -f -a "tail" -d 'Show the newest events (JSON Lines with --json)'
complete -c ledger -n "__fish_ledger_needs_command" -f -a "query" -d 'Find events by agent, action and time (a JSON array with --json)'
complete -c ledger -n "__fish_ledger_needs_command" -f -a "show" -d 'Show one event by its sequence number'
complete -c ledger -n "__fish_ledger_needs_command" -f -a "export" -d 'Export the tenant\'s events as JSON Lines, or copy the whole ledger for offline verification'
complete -c ledger -n "__fish_ledger_needs_command" -f -a "verify" -d 'Check every event\'s hash and every seal; exit 1 naming the first bad event'
complete -c ledger -n "__fish_ledger_needs_command" -f -a "seal" -d 'Record the head (sequence number and hash) outside the database, after verifying the chain against every seal taken before'
complete -c ledger -n "__fish_ledger_needs_command" -f -a "hmac" -d 'Print the HMAC the ledger stores for a token accessor, to find its events'
complete -c ledger -n "__fish_ledger_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ledger -n "__fish_ledger_using_subcommand note" -s m -l message -d 'The note; `-` reads it from standard input' -r
complete -c ledger -n "__fish_ledger_using_subcommand note" -l subject -d 'What the note is about (a pipeline, a bug id, a host …)' -r
complete -c ledger -n "__fish_ledger_using_subcommand note" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c ledger -n "__fish_ledger_using_subcommand note" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c ledger -n "__fish_ledger_using_subcommand note" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand note" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c ledger -n "__fish_ledger_using_subcommand note" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c ledger -n "__fish_ledger_using_subcommand note" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c ledger -n "__fish_ledger_using_subcommand note" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c ledger -n "__fish_ledger_using_subcommand note" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c ledger -n "__fish_ledger_using_subcommand note" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ledger -n "__fish_ledger_using_subcommand tail" -s n -l lines -d 'How many events to show' -r
complete -c ledger -n "__fish_ledger_using_subcommand tail" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c ledger -n "__fish_ledger_using_subcommand tail" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c ledger -n "__fish_ledger_using_subcommand tail" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand tail" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c ledger -n "__fish_ledger_using_subcommand tail" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c ledger -n "__fish_ledger_using_subcommand tail" -s f -l follow -d 'Keep printing new events as they are appended (Ctrl-C to stop)'
complete -c ledger -n "__fish_ledger_using_subcommand tail" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c ledger -n "__fish_ledger_using_subcommand tail" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c ledger -n "__fish_ledger_using_subcommand tail" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c ledger -n "__fish_ledger_using_subcommand tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ledger -n "__fish_ledger_using_subcommand query" -l agent -d 'Only events about this agent' -r
complete -c ledger -n "__fish_ledger_using_subcommand query" -l action -d 'Only this action; a trailing * matches a prefix, e.g. \'token.*\'' -r
complete -c ledger -n "__fish_ledger_using_subcommand query" -l pipeline -d 'Only events of this pipeline' -r
complete -c ledger -n "__fish_ledger_using_subcommand query" -l since -d 'Only events at or after this time: RFC 3339, a date, or a duration ago (2h, 7d)' -r
complete -c ledger -n "__fish_ledger_using_subcommand query" -l until -d 'Only events before this time (same forms as --since)' -r
complete -c ledger -n "__fish_ledger_using_subcommand query" -l limit -d 'At most this many events (the oldest matching ones; see --newest)' -r
complete -c ledger -n "__fish_ledger_using_subcommand query" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c ledger -n "__fish_ledger_using_subcommand query" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c ledger -n "__fish_ledger_using_subcommand query" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand query" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c ledger -n "__fish_ledger_using_subcommand query" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c ledger -n "__fish_ledger_using_subcommand query" -l newest -d 'Take the newest matching events instead of the oldest, newest first'
complete -c ledger -n "__fish_ledger_using_subcommand query" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c ledger -n "__fish_ledger_using_subcommand query" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c ledger -n "__fish_ledger_using_subcommand query" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c ledger -n "__fish_ledger_using_subcommand query" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ledger -n "__fish_ledger_using_subcommand show" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c ledger -n "__fish_ledger_using_subcommand show" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c ledger -n "__fish_ledger_using_subcommand show" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand show" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c ledger -n "__fish_ledger_using_subcommand show" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c ledger -n "__fish_ledger_using_subcommand show" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c ledger -n "__fish_ledger_using_subcommand show" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c ledger -n "__fish_ledger_using_subcommand show" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c ledger -n "__fish_ledger_using_subcommand show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ledger -n "__fish_ledger_using_subcommand export" -l format -d 'Output format' -r -f -a "jsonl\t'One JSON object per line, the shape of schema/json/ledger-event.schema.json'
sqlite\t'The whole ledger database, one self-contained SQLite file (needs --output)'"
complete -c ledger -n "__fish_ledger_using_subcommand export" -s o -l output -d 'Write to this file (atomically: all of it or nothing) instead of stdout' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand export" -l since -d 'Only events at or after this time (RFC 3339, a date, or 2h, 7d …)' -r
complete -c ledger -n "__fish_ledger_using_subcommand export" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c ledger -n "__fish_ledger_using_subcommand export" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c ledger -n "__fish_ledger_using_subcommand export" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand export" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c ledger -n "__fish_ledger_using_subcommand export" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c ledger -n "__fish_ledger_using_subcommand export" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c ledger -n "__fish_ledger_using_subcommand export" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c ledger -n "__fish_ledger_using_subcommand export" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c ledger -n "__fish_ledger_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ledger -n "__fish_ledger_using_subcommand verify" -l db -d 'Verify this database file (e.g. a copy) instead of the configured ledger' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand verify" -l seals -d 'Compare with the seals in this file (default: every seal the configured store retains: the seal file, and Vault when configured)' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand verify" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c ledger -n "__fish_ledger_using_subcommand verify" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c ledger -n "__fish_ledger_using_subcommand verify" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand verify" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c ledger -n "__fish_ledger_using_subcommand verify" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c ledger -n "__fish_ledger_using_subcommand verify" -l strict -d 'Also fail (exit 1) on warnings: missing append-only triggers, no seal'
complete -c ledger -n "__fish_ledger_using_subcommand verify" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c ledger -n "__fish_ledger_using_subcommand verify" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c ledger -n "__fish_ledger_using_subcommand verify" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c ledger -n "__fish_ledger_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ledger -n "__fish_ledger_using_subcommand seal" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c ledger -n "__fish_ledger_using_subcommand seal" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c ledger -n "__fish_ledger_using_subcommand seal" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand seal" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c ledger -n "__fish_ledger_using_subcommand seal" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c ledger -n "__fish_ledger_using_subcommand seal" -l new-ledger -d 'Confirm that this never-sealed ledger is a new one, while Vault keeps seals of other ledgers'
complete -c ledger -n "__fish_ledger_using_subcommand seal" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c ledger -n "__fish_ledger_using_subcommand seal" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c ledger -n "__fish_ledger_using_subcommand seal" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c ledger -n "__fish_ledger_using_subcommand seal" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ledger -n "__fish_ledger_using_subcommand hmac" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c ledger -n "__fish_ledger_using_subcommand hmac" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c ledger -n "__fish_ledger_using_subcommand hmac" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c ledger -n "__fish_ledger_using_subcommand hmac" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c ledger -n "__fish_ledger_using_subcommand hmac" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c ledger -n "__fish_ledger_using_subcommand hmac" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c ledger -n "__fish_ledger_using_subcommand hmac" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c ledger -n "__fish_ledger_using_subcommand hmac" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c ledger -n "__fish_ledger_using_subcommand hmac" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ledger -n "__fish_ledger_using_subcommand help; and not __fish_seen_subcommand_from note tail query show export verify seal hmac help" -f -a "note" -d 'Append an operator\'s annotation to the ledger'
complete -c ledger -n "__fish_ledger_using_subcommand help; and not __fish_seen_subcommand_from note tail query show export verify seal hmac help" -f -a "tail" -d 'Show the newest events (JSON Lines with --json)'
complete -c ledger -n "__fish_ledger_using_subcommand help; and not __fish_seen_subcommand_from note tail query show export verify seal hmac help" -f -a "query" -d 'Find events by agent, action and time (a JSON array with --json)'
complete -c ledger -n "__fish_ledger_using_subcommand help; and not __fish_seen_subcommand_from note tail query show export verify seal hmac help" -f -a "show" -d 'Show one event by its sequence number'
complete -c ledger -n "__fish_ledger_using_subcommand help; and not __fish_seen_subcommand_from note tail query show export verify seal hmac help" -f -a "export" -d 'Export the tenant\'s events as JSON Lines, or copy the whole ledger for offline verification'
complete -c ledger -n "__fish_ledger_using_subcommand help; and not __fish_seen_subcommand_from note tail query show export verify seal hmac help" -f -a "verify" -d 'Check every event\'s hash and every seal; exit 1 naming the first bad event'
complete -c ledger -n "__fish_ledger_using_subcommand help; and not __fish_seen_subcommand_from note tail query show export verify seal hmac help" -f -a "seal" -d 'Record the head (sequence number and hash) outside the database, after verifying the chain against every seal taken before'
complete -c ledger -n "__fish_ledger_using_subcommand help; and not __fish_seen_subcommand_from note tail query show export verify seal hmac help" -f -a "hmac" -d 'Print the HMAC the ledger stores for a token accessor, to find its events'
complete -c ledger -n "__fish_ledger_using_subcommand help; and not __fish_seen_subcommand_from note tail query show export verify seal hmac help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
