#compdef journal journal-crm
# zsh completion for journal (and journal-crm): commands, options, and the names of contacts,
# projects and organisations in your journal.
#   install: journal completion zsh > ~/.zfunc/_journal   (with fpath=(~/.zfunc $fpath) before
#   compinit in ~/.zshrc), or after compinit in ~/.zshrc: eval "$(journal completion zsh)"
# On every Tab the program itself is asked, with no arguments and the words typed so far in the
# environment (see journal/completion/protocol.py); it prints what to offer.

_journal() {
    local cmd=${(Q)words[1]} joined out mode line text desc section=words
    local -a lines plain plain_shown open open_shown
    [[ $cmd == "~/"* ]] && cmd=$HOME/${cmd#"~/"}
    # the words before the cursor's without their quotes; the current one as typed
    joined=${(pj:\x1f:)${(@Q)words[1,CURRENT-1]}}$'\x1f'$PREFIX
    out=$(_JOURNAL_COMPLETE=zsh _JOURNAL_COMPLETE_CWORD=$((CURRENT - 1)) \
          _JOURNAL_COMPLETE_WORDS=$joined "$cmd" 2>/dev/null)
    lines=("${(@f)out}")
    mode=${lines[1]}
    case $mode in
        files)
            [[ $PREFIX == --*=* ]] && compset -P '*='
            _files
            return
            ;;
        words) ;;
        *) return 1 ;;
    esac
    for line in "${(@)lines[2,-1]}"; do
        if [[ $line == $'\x1f'open ]]; then
            section=open
            continue
        fi
        text=${line%%$'\t'*}
        desc=""
        [[ $line == *$'\t'* ]] && desc=${line#*$'\t'}
        if [[ $section == open ]]; then
            open+=("$text")
            open_shown+=("$text${desc:+  -- $desc}")
        else
            plain+=("$text")
            plain_shown+=("$text${desc:+  -- $desc}")
        fi
    done
    # -U: the program has matched already (a name's pinyin or any part of it counts); when the
    # matches do not all start with what was typed, cycle through them instead of replacing it
    # with their common start
    local typed=${(Q)PREFIX}
    (( ${#plain} + ${#open} > 1 )) && [[ -n ${plain:#$typed*} || -n ${open:#$typed*} ]] &&
        compstate[insert]=menu
    (( ${#plain} )) && compadd -U -l -d plain_shown -- "${plain[@]}"
    (( ${#open} )) && compadd -U -S '' -l -d open_shown -- "${open[@]}"
    return 0
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _journal "$@"
else
    compdef _journal journal journal-crm
fi
