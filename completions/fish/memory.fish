# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_memory_global_optspecs
    string join \n json color= q/quiet v/verbose log-format= config= tenant= project= h/help V/version
end

function __fish_memory_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_memory_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_memory_using_subcommand
    set -l cmd (__fish_memory_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c memory -n "__fish_memory_needs_command" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c memory -n "__fish_memory_needs_command" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c memory -n "__fish_memory_needs_command" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c memory -n "__fish_memory_needs_command" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c memory -n "__fish_memory_needs_command" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c memory -n "__fish_memory_needs_command" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c memory -n "__fish_memory_needs_command" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c memory -n "__fish_memory_needs_command" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c memory -n "__fish_memory_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c memory -n "__fish_memory_needs_command" -s V -l version -d 'Print version'
complete -c memory -n "__fish_memory_needs_command" -f -a "log" -d 'Store content (a file, or standard input) and print its id'
complete -c memory -n "__fish_memory_needs_command" -f -a "fetch" -d 'Print an entry byte for byte, or a part of it, or a summary of it'
complete -c memory -n "__fish_memory_needs_command" -f -a "list" -d 'List stored entries, newest first'
complete -c memory -n "__fish_memory_needs_command" -f -a "search" -d 'Search stored content (every word must match; end a word with * for a prefix)'
complete -c memory -n "__fish_memory_needs_command" -f -a "rm" -d 'Remove an entry (chunks no other entry shares are deleted)'
complete -c memory -n "__fish_memory_needs_command" -f -a "prune" -d 'Remove old entries, then delete chunks nothing uses (left by removed entries or interrupted logs)'
complete -c memory -n "__fish_memory_needs_command" -f -a "index" -d 'Make everything logged searchable now (`memory log` and `memory search` do this themselves)'
complete -c memory -n "__fish_memory_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c memory -n "__fish_memory_using_subcommand log" -s t -l title -d 'One line naming the content [default: the file\'s name, else its first non-blank line]' -r
complete -c memory -n "__fish_memory_using_subcommand log" -l tag -d 'A tag (repeat for more)' -r
complete -c memory -n "__fish_memory_using_subcommand log" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c memory -n "__fish_memory_using_subcommand log" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c memory -n "__fish_memory_using_subcommand log" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c memory -n "__fish_memory_using_subcommand log" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c memory -n "__fish_memory_using_subcommand log" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c memory -n "__fish_memory_using_subcommand log" -l stdin -d 'Read standard input (the default when it is not a terminal)'
complete -c memory -n "__fish_memory_using_subcommand log" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c memory -n "__fish_memory_using_subcommand log" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c memory -n "__fish_memory_using_subcommand log" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c memory -n "__fish_memory_using_subcommand log" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c memory -n "__fish_memory_using_subcommand fetch" -l chunk -d 'Only chunk N (from 1; the summary says how many there are)' -r
complete -c memory -n "__fish_memory_using_subcommand fetch" -l lines -d 'Only lines A to B (from 1, inclusive): `120:180`, `120:` to the end, `:50`, or one line `7`' -r
complete -c memory -n "__fish_memory_using_subcommand fetch" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c memory -n "__fish_memory_using_subcommand fetch" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c memory -n "__fish_memory_using_subcommand fetch" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c memory -n "__fish_memory_using_subcommand fetch" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c memory -n "__fish_memory_using_subcommand fetch" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c memory -n "__fish_memory_using_subcommand fetch" -s s -l summary -d 'A summary instead: size, line and token estimates, headings, first and last lines, error-like lines'
complete -c memory -n "__fish_memory_using_subcommand fetch" -l force -d 'Write binary content to a terminal anyway'
complete -c memory -n "__fish_memory_using_subcommand fetch" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c memory -n "__fish_memory_using_subcommand fetch" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c memory -n "__fish_memory_using_subcommand fetch" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c memory -n "__fish_memory_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c memory -n "__fish_memory_using_subcommand list" -l tag -d 'Only entries with this tag' -r
complete -c memory -n "__fish_memory_using_subcommand list" -l since -d 'Only entries logged since: RFC 3339, a date, or a duration ago (7d)' -r
complete -c memory -n "__fish_memory_using_subcommand list" -l limit -d 'At most this many' -r
complete -c memory -n "__fish_memory_using_subcommand list" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c memory -n "__fish_memory_using_subcommand list" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c memory -n "__fish_memory_using_subcommand list" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c memory -n "__fish_memory_using_subcommand list" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c memory -n "__fish_memory_using_subcommand list" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c memory -n "__fish_memory_using_subcommand list" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c memory -n "__fish_memory_using_subcommand list" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c memory -n "__fish_memory_using_subcommand list" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c memory -n "__fish_memory_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c memory -n "__fish_memory_using_subcommand search" -l limit -d 'At most this many entries (the best place in each)' -r
complete -c memory -n "__fish_memory_using_subcommand search" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c memory -n "__fish_memory_using_subcommand search" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c memory -n "__fish_memory_using_subcommand search" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c memory -n "__fish_memory_using_subcommand search" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c memory -n "__fish_memory_using_subcommand search" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c memory -n "__fish_memory_using_subcommand search" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c memory -n "__fish_memory_using_subcommand search" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c memory -n "__fish_memory_using_subcommand search" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c memory -n "__fish_memory_using_subcommand search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c memory -n "__fish_memory_using_subcommand rm" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c memory -n "__fish_memory_using_subcommand rm" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c memory -n "__fish_memory_using_subcommand rm" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c memory -n "__fish_memory_using_subcommand rm" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c memory -n "__fish_memory_using_subcommand rm" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c memory -n "__fish_memory_using_subcommand rm" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c memory -n "__fish_memory_using_subcommand rm" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c memory -n "__fish_memory_using_subcommand rm" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c memory -n "__fish_memory_using_subcommand rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c memory -n "__fish_memory_using_subcommand prune" -l older-than -d 'Remove entries logged before this: a duration ago (30d), RFC 3339 or a date' -r
complete -c memory -n "__fish_memory_using_subcommand prune" -l keep -d 'Keep only the newest N entries' -r
complete -c memory -n "__fish_memory_using_subcommand prune" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c memory -n "__fish_memory_using_subcommand prune" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c memory -n "__fish_memory_using_subcommand prune" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c memory -n "__fish_memory_using_subcommand prune" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c memory -n "__fish_memory_using_subcommand prune" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c memory -n "__fish_memory_using_subcommand prune" -l dry-run -d 'Say what would go without changing anything'
complete -c memory -n "__fish_memory_using_subcommand prune" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c memory -n "__fish_memory_using_subcommand prune" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c memory -n "__fish_memory_using_subcommand prune" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c memory -n "__fish_memory_using_subcommand prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c memory -n "__fish_memory_using_subcommand index" -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c memory -n "__fish_memory_using_subcommand index" -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c memory -n "__fish_memory_using_subcommand index" -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c memory -n "__fish_memory_using_subcommand index" -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c memory -n "__fish_memory_using_subcommand index" -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c memory -n "__fish_memory_using_subcommand index" -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c memory -n "__fish_memory_using_subcommand index" -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c memory -n "__fish_memory_using_subcommand index" -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c memory -n "__fish_memory_using_subcommand index" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c memory -n "__fish_memory_using_subcommand help; and not __fish_seen_subcommand_from log fetch list search rm prune index help" -f -a "log" -d 'Store content (a file, or standard input) and print its id'
complete -c memory -n "__fish_memory_using_subcommand help; and not __fish_seen_subcommand_from log fetch list search rm prune index help" -f -a "fetch" -d 'Print an entry byte for byte, or a part of it, or a summary of it'
complete -c memory -n "__fish_memory_using_subcommand help; and not __fish_seen_subcommand_from log fetch list search rm prune index help" -f -a "list" -d 'List stored entries, newest first'
complete -c memory -n "__fish_memory_using_subcommand help; and not __fish_seen_subcommand_from log fetch list search rm prune index help" -f -a "search" -d 'Search stored content (every word must match; end a word with * for a prefix)'
complete -c memory -n "__fish_memory_using_subcommand help; and not __fish_seen_subcommand_from log fetch list search rm prune index help" -f -a "rm" -d 'Remove an entry (chunks no other entry shares are deleted)'
complete -c memory -n "__fish_memory_using_subcommand help; and not __fish_seen_subcommand_from log fetch list search rm prune index help" -f -a "prune" -d 'Remove old entries, then delete chunks nothing uses (left by removed entries or interrupted logs)'
complete -c memory -n "__fish_memory_using_subcommand help; and not __fish_seen_subcommand_from log fetch list search rm prune index help" -f -a "index" -d 'Make everything logged searchable now (`memory log` and `memory search` do this themselves)'
complete -c memory -n "__fish_memory_using_subcommand help; and not __fish_seen_subcommand_from log fetch list search rm prune index help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
