# shellcheck shell=sh
# Sourced at the end of a stage's recipe line by mk/deploy.mk when it
# reports (in GitHub Actions, or with DEPLOY_NOTIFY_URL set), after
#
#	deploy_stage() ( the stage's commands ); set -- MKDIR STAGE ERRFILE DIR APP ENV VERSION PARAMETER
#
# Runs deploy_stage with its stderr shown as it comes and copied into
# ERRFILE (not when stderr is a terminal: the tools' live progress needs
# one).  When it fails: the stage's group is closed, mk/report reports the
# failure, and the recipe exits with the stage's status, so that make stops
# as it would have; ERRFILE stays, for a look.  The report stage reports
# whatever its outcome.
deploy_mk=$1
shift
# deploy_copy FILE: stdin to stderr as it comes, and into FILE but for the
# ::add-mask:: lines: they hold a secret (ecr-token --password's in GitHub
# Actions) that must reach the runner, never the report, the summary, the
# webhook or the state folder.
deploy_copy() {
	while IFS= read -r deploy_line || [ -n "$deploy_line" ]; do
		printf '%s\n' "$deploy_line" >&2
		case $deploy_line in
		::add-mask::*) ;;
		*) printf '%s\n' "$deploy_line" ;;
		esac
	done >"$1"
}
deploy_rc=0
# Stopped (mk/deploy-sh passes make's signal to the line's whole group):
# live on until the stage has ended, to report it as stopped.
deploy_sig=0
trap 'deploy_sig=130' INT
trap 'deploy_sig=143' TERM
rm -f "$2" "$2.rc"
if [ -t 2 ]; then
	deploy_stage || deploy_rc=$?
else
	# The stage's stdout stays on fd 3; its stderr goes through
	# deploy_copy; its status comes back in a file, as a pipeline has the
	# status of its last command.
	{ { deploy_stage 3>&- || echo $? >"$2.rc"; } 2>&1 >&3 3>&- | deploy_copy "$2"; } 3>&1
	[ ! -s "$2.rc" ] || deploy_rc=$(cat "$2.rc")
	rm -f "$2.rc"
fi
[ "$deploy_sig" -eq 0 ] || deploy_rc=$deploy_sig
if [ "$deploy_rc" -ne 0 ] || [ "$1" = report ]; then
	[ "$1" = report ] || [ "${GITHUB_ACTIONS:-}" != true ] || echo ::endgroup::
	"${deploy_mk}report" "$deploy_rc" "$@" || :
	[ "$deploy_rc" -eq 0 ] || exit "$deploy_rc"
fi
rm -f "$2"
