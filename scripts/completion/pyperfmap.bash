# bash completion for pyperfmap: commands, each command's options (read from its own
# --help, so they never go stale), event names after -e, files elsewhere.

_pyperfmap_options()
{
	"$1" "$2" --help 2>/dev/null | grep -oE -- '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' |
		tr -d ' ,' | sort -u
}

_pyperfmap()
{
	local cur prev exe cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	exe=${COMP_WORDS[0]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	# after "--" comes the profiled command: complete it as a command line
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == -- ]]; then
			COMPREPLY=($(compgen -c -- "$cur"))
			[[ $i -lt $((COMP_CWORD - 1)) ]] && COMPREPLY=($(compgen -f -- "$cur"))
			return
		fi
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$("$exe" --help 2>/dev/null |
			sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p') --help --version" -- "$cur"))
		return
	fi
	case $prev in
	-e|--event)
		COMPREPLY=($(compgen -W "$("$exe" list 2>/dev/null |
			awk '/^  [a-z]/ && !/not available/ { print $1 }')" -- "$cur"))
		return ;;
	-i|--input|-o|--output|--kallsyms)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--symfs)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	-p|--pid)
		COMPREPLY=($(compgen -W "$(ls /proc | grep -E '^[0-9]+$')" -- "$cur"))
		return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_pyperfmap_options "$exe" "$cmd")" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
}
complete -F _pyperfmap pyperfmap
