# bash completion for journal (and journal-crm): commands, options, and the names of contacts,
# projects and organisations in your journal.
#   install: journal completion bash > ~/.local/share/bash-completion/completions/journal
#   or, in ~/.bashrc: eval "$(journal completion bash)"
# On every Tab the program itself is asked, with no arguments and the words typed so far in the
# environment (see journal/completion/protocol.py); it prints what to offer.

_journal_complete() {
    local cmd=${COMP_WORDS[0]} line mode="" words
    [[ $cmd == "~/"* ]] && cmd=$HOME/${cmd#"~/"}
    local IFS=$'\x1f'
    words="${COMP_WORDS[*]:0:COMP_CWORD+1}"
    COMPREPLY=()
    # read line by line: no word splitting or globbing of what comes back
    while IFS= read -r line; do
        if [[ -z $mode ]]; then
            mode=$line
        elif [[ $mode == words || $mode == quoted ]]; then
            COMPREPLY+=("$line")
        elif [[ $mode == files ]]; then
            while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -f -- "$line")
        fi
    done < <(_JOURNAL_COMPLETE=bash _JOURNAL_COMPLETE_CWORD=$COMP_CWORD \
             _JOURNAL_COMPLETE_WORDS=$words "$cmd" 2>/dev/null)
    case $mode in
        # readline quotes these as it quotes file names (and closes an opened quote)
        words | files) compopt -o filenames 2>/dev/null ;;
        # quoted already, ending in a space when the word is finished (not after contact:)
        quoted) compopt -o nospace 2>/dev/null ;;
    esac
    return 0
}

complete -F _journal_complete journal journal-crm
