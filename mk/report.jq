# The report of mk/deploy.mk: one summary line from the stage files on
# stdout; for a run that did not succeed, its failed jobs and steps on
# stderr and exit status 5 (jq's halt_error), which fails the make target.
# jq -rn -f report.jq --slurpfile target T --slurpfile push P \
#   --slurpfile release R --slurpfile result W --arg app A --arg env E \
#   --arg parameter NAME --arg now EPOCH
($target[0]) as $t
| ($result[0]) as $w
| ($push[0] // {}) as $p
| (($now | tonumber) - $t.started_epoch) as $s
| "deploy: " + (if $w.conclusion == "success" then "done" else "FAILED" end)
  + "  app=" + $app + " env=" + $env + " version=" + $t.version
  + " image=" + $t.image + (if $p.digest then "@" + $p.digest else "" end)
  + " parameter=" + $parameter + "@v" + ($release[0].version | tostring)
  + " run=" + ($w.html_url // "?")
  + " duration=" + (($s / 60 | floor) | tostring) + "m" + (($s % 60) | tostring) + "s"
  + " result=" + ($w.conclusion // $w.status // "unknown")
| ., (if $w.conclusion == "success" then empty else
    ([$w.failed_jobs[]? | "deploy: failed: " + (if type == "object"
      then (.name // "?") + (if .step then ", step " + .step else "" end)
      else tostring end) + "\n"] | add // "deploy: the run did not succeed\n")
    | halt_error(5) end)
