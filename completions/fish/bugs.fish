# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_bugs_global_optspecs
    string join \n json color= q/quiet v/verbose log-format= config= tenant= project= h/help V/version
end

function __fish_bugs_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_bugs_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_bugs_using_subcommand
    set -l cmd (__fish_bugs_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c bugs -n "__fish_bugs_needs_command" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_needs_command" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_needs_command" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_needs_command" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_needs_command" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_needs_command" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_needs_command" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_needs_command" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_needs_command" -s V -l version -d 'Print version'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "log" -d 'Report a bug and print its id'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "list" -d 'List bugs (active ones unless --status says otherwise), most severe first'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "get" -d 'Show one bug in full'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "update" -d 'Change a bug\'s status, severity or assignee (illegal status moves are refused)'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "claim" -d 'Take a bug for an agent; if someone else holds it, exit 3 naming the holder'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "search" -d 'Search titles and descriptions (words must all match; end a word with * for a prefix)'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "history" -d 'Show every change to a bug, from the audit ledger'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "status" -d 'Count bugs by status and severity'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "scan" -d 'Find error spikes and revocations in the ledger, bugs stuck in progress and likely duplicates'
complete -c bugs -n "__fish_bugs_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c bugs -n "__fish_bugs_using_subcommand log" -s m -l message -d 'One line saying what is wrong (required)' -r
complete -c bugs -n "__fish_bugs_using_subcommand log" -l severity -d 'How bad it is' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c bugs -n "__fish_bugs_using_subcommand log" -l component -d 'The component it is in' -r
complete -c bugs -n "__fish_bugs_using_subcommand log" -l dir -d 'The directory it concerns' -r
complete -c bugs -n "__fish_bugs_using_subcommand log" -l tag -d 'A tag (repeat for more)' -r
complete -c bugs -n "__fish_bugs_using_subcommand log" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_using_subcommand log" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_using_subcommand log" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_using_subcommand log" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_using_subcommand log" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_using_subcommand log" -l stdin -d 'Read a longer description from standard input'
complete -c bugs -n "__fish_bugs_using_subcommand log" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_using_subcommand log" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_using_subcommand log" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_using_subcommand log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_using_subcommand list" -l status -d 'Statuses to show, comma-separated, or `all` [default: open,in_progress]' -r -f -a "open\t''
in_progress\t''
resolved\t''
closed\t''
wontfix\t''
all\t''"
complete -c bugs -n "__fish_bugs_using_subcommand list" -l severity -d 'Severities to show, comma-separated' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c bugs -n "__fish_bugs_using_subcommand list" -l component -d 'Only this component' -r
complete -c bugs -n "__fish_bugs_using_subcommand list" -l since -d 'Only bugs reported since: RFC 3339, a date, or a duration ago (7d)' -r
complete -c bugs -n "__fish_bugs_using_subcommand list" -l limit -d 'At most this many' -r
complete -c bugs -n "__fish_bugs_using_subcommand list" -l sort -d 'Order: severity (then newest), created (newest first), updated (latest change first)' -r -f -a "severity\t''
created\t''
updated\t''"
complete -c bugs -n "__fish_bugs_using_subcommand list" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_using_subcommand list" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_using_subcommand list" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_using_subcommand list" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_using_subcommand list" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_using_subcommand list" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_using_subcommand list" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_using_subcommand list" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_using_subcommand get" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_using_subcommand get" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_using_subcommand get" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_using_subcommand get" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_using_subcommand get" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_using_subcommand get" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_using_subcommand get" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_using_subcommand get" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_using_subcommand update" -l note -d 'A note, recorded in the ledger with the change' -r
complete -c bugs -n "__fish_bugs_using_subcommand update" -l severity -d 'A new severity' -r -f -a "low\t''
medium\t''
high\t''
critical\t''"
complete -c bugs -n "__fish_bugs_using_subcommand update" -l assignee -d 'A new assignee (`none` clears it)' -r
complete -c bugs -n "__fish_bugs_using_subcommand update" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_using_subcommand update" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_using_subcommand update" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_using_subcommand update" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_using_subcommand update" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_using_subcommand update" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_using_subcommand update" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_using_subcommand update" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_using_subcommand update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_using_subcommand claim" -l agent -d 'Who takes it' -r
complete -c bugs -n "__fish_bugs_using_subcommand claim" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_using_subcommand claim" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_using_subcommand claim" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_using_subcommand claim" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_using_subcommand claim" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_using_subcommand claim" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_using_subcommand claim" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_using_subcommand claim" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_using_subcommand claim" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_using_subcommand search" -l limit -d 'At most this many results' -r
complete -c bugs -n "__fish_bugs_using_subcommand search" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_using_subcommand search" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_using_subcommand search" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_using_subcommand search" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_using_subcommand search" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_using_subcommand search" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_using_subcommand search" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_using_subcommand search" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_using_subcommand search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_using_subcommand history" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_using_subcommand history" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_using_subcommand history" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_using_subcommand history" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_using_subcommand history" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_using_subcommand history" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_using_subcommand history" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_using_subcommand history" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_using_subcommand status" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_using_subcommand status" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_using_subcommand status" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_using_subcommand status" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_using_subcommand status" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_using_subcommand status" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_using_subcommand status" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_using_subcommand status" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_using_subcommand scan" -l since -d 'Look at ledger events since: RFC 3339, a date, or a duration ago' -r
complete -c bugs -n "__fish_bugs_using_subcommand scan" -l stuck-after -d 'A bug in progress for longer than this is stuck' -r
complete -c bugs -n "__fish_bugs_using_subcommand scan" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c bugs -n "__fish_bugs_using_subcommand scan" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c bugs -n "__fish_bugs_using_subcommand scan" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c bugs -n "__fish_bugs_using_subcommand scan" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c bugs -n "__fish_bugs_using_subcommand scan" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c bugs -n "__fish_bugs_using_subcommand scan" -l apply -d 'Log each anomaly as a bug tagged `scan` (each only once, however often you run it); with -q, print only the anomalies this run logged (nothing when none)'
complete -c bugs -n "__fish_bugs_using_subcommand scan" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c bugs -n "__fish_bugs_using_subcommand scan" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c bugs -n "__fish_bugs_using_subcommand scan" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c bugs -n "__fish_bugs_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "log" -d 'Report a bug and print its id'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "list" -d 'List bugs (active ones unless --status says otherwise), most severe first'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "get" -d 'Show one bug in full'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "update" -d 'Change a bug\'s status, severity or assignee (illegal status moves are refused)'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "claim" -d 'Take a bug for an agent; if someone else holds it, exit 3 naming the holder'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "search" -d 'Search titles and descriptions (words must all match; end a word with * for a prefix)'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "history" -d 'Show every change to a bug, from the audit ledger'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "status" -d 'Count bugs by status and severity'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "scan" -d 'Find error spikes and revocations in the ledger, bugs stuck in progress and likely duplicates'
complete -c bugs -n "__fish_bugs_using_subcommand help; and not __fish_seen_subcommand_from log list get update claim search history status scan help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
