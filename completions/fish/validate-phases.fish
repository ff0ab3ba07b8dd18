complete -c validate-phases -l color -d 'Colour: auto, always or never [default: auto; NO_COLOR turns auto off]' -r -f -a "auto\t'Colour when the stream is a terminal and NO_COLOR is not set'
always\t'Always colour'
never\t'Never colour'"
complete -c validate-phases -l log-format -d 'Log lines on stderr as `human` text or `json` objects [env: AGOV_LOG_FORMAT; level: -v or AGOV_LOG]' -r -f -a "human\t'`LEVEL target: message key=value` lines for a person'
json\t'One JSON object per line: timestamp, level, target, message, fields'"
complete -c validate-phases -l config -d 'Config file to read [env: AGOV_CONFIG; default: $XDG_CONFIG_HOME/agov/config.toml]' -r -F
complete -c validate-phases -l tenant -d 'Tenant to act for [env: AGOV_TENANT; default: default]' -r
complete -c validate-phases -l project -d 'Project inside the tenant: its own records, events and keys; the tenant\'s quotas [env: AGOV_PROJECT]' -r
complete -c validate-phases -l phase -d 'Only this phase (1-12)' -r -f -a "1\t''
2\t''
3\t''
4\t''
5\t''
6\t''
7\t''
8\t''
9\t''
10\t''
11\t''
12\t''"
complete -c validate-phases -l json -d 'Print JSON instead of tables (JSON Lines for streams); shapes are in schema/json/'
complete -c validate-phases -s q -l quiet -d 'Print only data and errors: no hints, notes or progress'
complete -c validate-phases -s v -l verbose -d 'Say more on stderr (-v: settings, backends and info logs; -vv: debug logs; -vvv: trace)'
complete -c validate-phases -l apply -d 'First bring the installation to a valid state: create the ledger schema, install the tier policies, token roles, KV mount and AppRole in Vault (with --phase, only that phase\'s). Running it twice changes nothing'
complete -c validate-phases -s h -l help -d 'Print help (see more with \'--help\')'
complete -c validate-phases -s V -l version -d 'Print version'
