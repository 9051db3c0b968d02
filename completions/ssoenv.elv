set edit:completion:arg-completer[ssoenv] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) SSOENV_COMPLETE="elvish" ssoenv -- $@words) | to-lines
}
