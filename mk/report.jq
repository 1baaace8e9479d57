# The report of mk/deploy.mk, from the stage files.
#
# jq -rn -f report.jq --slurpfile target T --slurpfile push P \
#   --slurpfile release R --slurpfile result W --arg app A --arg env E \
#   --arg parameter NAME --arg now EPOCH
# prints the one summary line on stdout; for a run that did not succeed, its
# failed jobs and steps on stderr and exit status 5 (jq's halt_error), which
# fails the make target.
#
# mk/report adds --arg format F (summary, outputs, error or notify) and
# what it knows of the stage that ran last: --slurpfile dispatch D,
# --arg version V, --arg stage S (target ... wait, or report),
# --arg status N (its exit status), --rawfile stderr FILE (what it wrote
# on stderr), --arg delimiter D (for outputs), --arg ci_url U (the Actions
# run, for notify).  A stage file not written yet is given as /dev/null.

def arg($n; $d): $ARGS.named[$n] // $d;
def duration: "\(. / 60 | floor)m\(. % 60)s";
def named($s): $ARGS.named[$s] // [] | .[0] // {};

# What the report says, as one object.  The time is counted from the first
# attempt at this version (target.json's started_at): in Actions, where the
# state folder starts empty, that is this job's deploy.
def facts:
  named("target") as $t | named("push") as $p | named("release") as $r
  | named("dispatch") as $d | named("result") as $w
  | arg("stage"; "report") as $stage
  | (arg("status"; "0") | tonumber) as $status
  | ($w.conclusion // null) as $concl
  | (arg("stderr"; "") | [splits("\n") | select(test("\\S"))] | .[-5:] | join("\n")
     | if length > 1000 then .[-1000:] else . end) as $said
  | {app: $app, env: $env,
     version: ($t.version // arg("version"; null)),
     image: ($t.image // null),
     digest: ($p.digest // null),
     parameter: $parameter,
     parameter_version: ($r.version // null),
     run_url: ($w.html_url // $d.html_url // null),
     run_id: ($w.run_id // $d.run_id // null),
     repository: ($w.repository // $d.repository // null),
     duration: (if $t.started_epoch then ($now | tonumber) - $t.started_epoch else null end)}
  + if $stage == "report" and $status == 0 and $concl == "success" then
      {result: "success", failed_stage: null, message: null}
    elif $stage == "report" and $concl != null and $concl != "success" then
      {result: $concl, failed_stage: "wait", status: 1,
       message: ("the infra run concluded \($concl)"
         + ([$w.failed_jobs[]? | if type == "object"
             then (.name // "?") + (if .step then ", step " + .step else "" end)
             else tostring end] | if length > 0 then ": " + join("; ") else "" end)
         + (if $w.html_url then " (\($w.html_url))" else "" end))}
    else
      {result: "failure", failed_stage: $stage, status: $status,
       message: (if $said != "" then $said else "exit status \($status)" end)}
    end;

# Workflow commands: % CR LF escaped in the message, and : , too in a
# property (docs.github.com, "Workflow commands for GitHub Actions").
def cmd_data: gsub("%"; "%25") | gsub("\r"; "%0D") | gsub("\n"; "%0A");
def cmd_prop: cmd_data | gsub(":"; "%3A") | gsub(","; "%2C");
# A table cell: HTML and the column bar escaped, one line.
def cell: tostring | gsub("&"; "&amp;") | gsub("<"; "&lt;") | gsub(">"; "&gt;")
  | gsub("\\|"; "\\|") | gsub("\r?\n|\r"; "<br>");
def code: if . == null then "-" else "`" + tostring + "`" end;
# Slack's mrkdwn: & < > are the characters to escape.
def slack: tostring | gsub("&"; "&amp;") | gsub("<"; "&lt;") | gsub(">"; "&gt;");
def link($text): if type == "string" and test("^https?://[^\\s|<>]+$") then "<\(.)|\($text | slack)>" else null end;

def summary:
  facts as $f
  | "### deploy \($f.app) to \($f.env): \($f.result)\n\n"
  + "| | |\n|:--|:--|\n"
  + ([["app", ($f.app | cell)], ["env", ($f.env | cell)],
      ["version", ($f.version | code)], ["image", ($f.image | code)],
      ["digest", ($f.digest | code)],
      ["parameter", ($f.parameter | code) + (if $f.parameter_version
        then " v\($f.parameter_version)" else " (not written)" end)],
      ["infra run", (if $f.run_url then "[\($f.repository // "run") #\($f.run_id // "?")](\($f.run_url | cell))" else "-" end)],
      ["duration", (if $f.duration then $f.duration | duration else "-" end)],
      ["result", $f.result]]
     + (if $f.failed_stage then
         [["failed stage", "\($f.failed_stage) (exit \($f.status))"], ["message", ($f.message | cell)]]
       else [] end)
     | map("| \(.[0]) | \(.[1]) |\n") | add);

def outputs:
  facts as $f | arg("delimiter"; null) as $d
  | if ($d | type) != "string" or $d == "" then error("outputs needs a delimiter") else . end
  | ["version", "image", "digest", "run_url", "result"]
  | map(($f[.] // "" | tostring) as $v
      | if ($v | contains($d)) then error("\(.) holds the delimiter") else . end
      | "\(.)<<\($d)\n\($v)\n\($d)\n")
  | add;

def error_cmd:
  facts | if .failed_stage then
    "::error title=\("deploy \(.failed_stage) failed" | cmd_prop)::\(.message | cmd_data)"
  else empty end;

# Slack-compatible: text, and attachments (which Mattermost, Rocket.Chat and
# Discord's /slack endpoint read too; blocks are Slack's alone).
def notify:
  facts as $f | arg("ci_url"; "") as $ci
  | ($f.result == "success") as $ok
  | ("deploy \($f.app) to \($f.env): "
     + (if $ok then "success" else "FAILED at \($f.failed_stage)" end)
     + " (version \($f.version // "?")"
     + (if $f.duration then ", \($f.duration | duration)" else "" end) + ")") as $head
  | {text: ([$head | slack, ($f.run_url | link("infra run")), ($ci | link("workflow run"))]
      | map(select(. != null)) | join(" ")),
     attachments: [{
       color: (if $ok then "good" else "danger" end),
       fallback: $head,
       fields: ([["Version", $f.version], ["Image", $f.image], ["Digest", $f.digest],
           ["Parameter", (if $f.parameter_version then "\($f.parameter) v\($f.parameter_version)" else $f.parameter end)],
           ["Infra run", $f.run_url],
           ["Duration", (if $f.duration then $f.duration | duration else null end)],
           ["Result", $f.result], ["Failed stage", $f.failed_stage], ["Message", $f.message]]
         | map(select(.[1] != null) | {title: .[0], value: (.[1] | slack),
             short: (.[0] | IN("Version", "Duration", "Result", "Failed stage"))}))}]};

arg("format"; "line") as $format
| if $format == "summary" then summary
  elif $format == "outputs" then outputs
  elif $format == "error" then error_cmd
  elif $format == "notify" then notify
  elif $format == "facts" then facts
  else
    ($target[0]) as $t
    | ($result[0]) as $w
    | ($push[0] // {}) as $p
    | (($now | tonumber) - $t.started_epoch) as $s
    | "deploy: " + (if $w.conclusion == "success" then "done" else "FAILED" end)
      + "  app=" + $app + " env=" + $env + " version=" + $t.version
      + " image=" + $t.image + (if $p.digest then "@" + $p.digest else "" end)
      + " parameter=" + $parameter + "@v" + ($release[0].version | tostring)
      + " run=" + ($w.html_url // "?")
      + " duration=" + ($s | duration)
      + " result=" + ($w.conclusion // $w.status // "unknown")
    | ., (if $w.conclusion == "success" then empty else
        ([$w.failed_jobs[]? | "deploy: failed: " + (if type == "object"
          then (.name // "?") + (if .step then ", step " + .step else "" end)
          else tostring end) + "\n"] | add // "deploy: the run did not succeed\n")
        | halt_error(5) end)
  end
