# fish completion for journal (and journal-crm): commands, options, and the names of contacts,
# projects and organisations in your journal.
#   install: journal completion fish > ~/.config/fish/completions/journal.fish
# On every Tab the program itself is asked, with no arguments and the words typed so far in the
# environment (see journal/completion/protocol.py); it prints what to offer.

function __journal_complete
    # the words before the cursor's without their quotes; the current one as typed
    set -l tokens (commandline -opc) (commandline -ct)
    set -l cmd $tokens[1]
    string match -q -- '~/*' $cmd; and set cmd $HOME/(string sub -s 3 -- $cmd)
    set -l reply (env _JOURNAL_COMPLETE=fish _JOURNAL_COMPLETE_CWORD=(math (count $tokens) - 1) \
        _JOURNAL_COMPLETE_WORDS=(string join \x1f -- $tokens) $cmd 2>/dev/null)
    switch "$reply[1]"
        case files
            __fish_complete_path $reply[2]
        case words
            for line in $reply[2..-1]
                test "$line" = \x1fopen; or printf '%s\n' $line
            end
    end
end

complete -c journal -f -a '(__journal_complete)'
complete -c journal-crm -f -a '(__journal_complete)'
