deploy_mk_dir := $(dir $(lastword $(MAKEFILE_LIST)))
deploy_saved_goal := $(.DEFAULT_GOAL)
# deploykit's deploy, for an application repository's Makefile:
#
#	include /usr/local/share/deploykit/mk/deploy.mk
#	make deploy APP=my-app ENV=prod
#
# Stages, each a file in $(DEPLOY_STATE)/$(ENV)/$(VERSION)/ written as
# $@.tmp then renamed, so that make's own dependency tracking gives the
# order and the resume (a failed deploy re-run starts at the failed stage;
# one version is never dispatched twice):
#
#	target.json   where the image goes (registry from ecr-token)
#	image.json    $(DOCKER) build, skipped when the tag is in the registry
#	push.json     login with the ECR token on stdin, push, the digest
#	release.json  ssm-put of VERSION into the parameter
#	dispatch.json gh-dispatch of the infra repository's deploy workflow
#	result.json   gh-wait on that run
#	deploy        the report: one summary line; the exit status is the result
#
# In GitHub Actions (GITHUB_ACTIONS=true) each stage is also a ::group::, a
# failed stage an ::error::, and the outcome a table in the step summary and
# step outputs; with DEPLOY_NOTIFY_URL, it is posted to that webhook, on
# success and on failure (mk/stage.sh, mk/report, mk/notify).
#
# Every knob is documented in deploy.mk(7); `make deploy-help` shows them
# with their values.  Secrets never appear in a recipe: the tools read them
# from the environment.

# --- Knobs ----------------------------------------------------------------

DOCKER ?= docker
DEPLOY_BIN ?=
DEPLOY_STATE ?= .deploy
DEPLOY_CONTEXT ?= .
DEPLOY_DOCKERFILE ?= Dockerfile
DEPLOY_BUILD_FLAGS ?=
DEPLOY_REGISTRY ?=
DEPLOY_REGISTRY_SCHEME ?= https
DEPLOY_ECR_FLAGS ?=
DEPLOY_REPOSITORY ?= $(APP)
DEPLOY_PARAMETER ?= /$(APP)/$(ENV)/version
DEPLOY_INFRA_REPO ?=
DEPLOY_WORKFLOW ?= deploy.yaml
DEPLOY_REF ?=
DEPLOY_INPUT_APP ?= app
DEPLOY_INPUT_ENV ?= environment
DEPLOY_INPUT_VERSION ?= version
DEPLOY_CORRELATE_INPUT ?=
DEPLOY_TIMEOUT ?= 30m
DEPLOY_ALLOW_DIRTY ?=
# DEPLOY_NOTIFY_URL is a secret (the webhook's token is in it): it is read
# from the environment by mk/notify, never given a value or shown here.

# VERSION defaults to the commit being deployed.  Read once, here: a
# recursive ?= with $(shell) would run git at every expansion.
ifeq ($(origin VERSION),undefined)
VERSION := $(shell git rev-parse --short=12 HEAD 2>/dev/null)
deploy_version_from_git := 1
endif

# --- Internals ------------------------------------------------------------

ifeq ($(V),1)
deploy_Q :=
else
deploy_Q := @
endif

deploy_tool = $(if $(DEPLOY_BIN),$(DEPLOY_BIN)/)$(1)
deploy_dir = $(DEPLOY_STATE)/$(ENV)/$(VERSION)
deploy_say = @printf 'deploy: %-8s %s\n'

# Validation in make itself, never in $(shell): the values end up in shell
# commands, parameter names and image tags.  deploy_strip removes the
# allowed characters; what is left is the problem.
deploy_alnum := a b c d e f g h i j k l m n o p q r s t u v w x y z \
	A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9
deploy_strip = $(if $(2),$(call deploy_strip,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
# $(call deploy_only,VALUE,EXTRA CHARACTERS): empty when VALUE is one word
# of letters, digits and the extra characters.
deploy_only = $(if $(filter 1,$(words $(1))),$(strip $(call deploy_strip,$(1),$(deploy_alnum) $(2))),bad)
deploy_digits := 0 1 2 3 4 5 6 7 8 9
# Non-empty when the value is not OWNER/REPO (one slash, inside).
deploy_not_repo = $(if $(filter 2,$(words $(subst /, ,$(1)))),$(filter /% %/,$(1))$(findstring //,$(1)),bad)
# Non-empty when the value is neither a file name ending .yml or .yaml nor
# a number.
deploy_not_workflow = $(if $(filter %.yml %.yaml,$(1)),,$(call deploy_strip,$(1),$(deploy_digits)))
# Non-empty when the value is not digits with an optional s, m or h.
deploy_not_duration = $(if $(filter 1,$(words $(1))),$(or $(call deploy_strip,$(patsubst %s,%,$(patsubst %m,%,$(patsubst %h,%,$(1)))),$(deploy_digits)),$(if $(patsubst %s,%,$(patsubst %m,%,$(patsubst %h,%,$(1)))),,bad)),bad)

deploy_problems_base = \
	$(foreach v,APP ENV,$(if $(strip $($(v))),,$(v) is required;)) \
	$(if $(filter environment environment%,$(origin ENV)),ENV comes from the environment (where sh(1) keeps its start-up file): give ENV= on the command line;) \
	$(if $(APP),$(if $(call deploy_only,$(APP),- _)$(filter -%,$(APP)),APP=$(APP): letters$(,) digits$(,) - and _ only$(,) not starting with -;)) \
	$(if $(ENV),$(if $(call deploy_only,$(ENV),- _)$(filter -%,$(ENV)),ENV=$(ENV): letters$(,) digits$(,) - and _ only$(,) not starting with -;)) \
	$(if $(call deploy_only,$(DEPLOY_STATE),- _ . /),DEPLOY_STATE=$(DEPLOY_STATE): letters$(,) digits$(,) -$(,) _$(,) . and / only;)
# What derives from APP and ENV is checked once they are good.
deploy_problems_knobs = \
	$(if $(VERSION),$(if $(call deploy_only,$(VERSION),- _ .),VERSION=$(VERSION): letters$(,) digits$(,) -$(,) _ and . only;)) \
	$(if $(call deploy_only,$(DEPLOY_REPOSITORY),- _ . /),DEPLOY_REPOSITORY=$(DEPLOY_REPOSITORY): not a repository name;) \
	$(if $(call deploy_only,$(DEPLOY_PARAMETER),- _ . /),DEPLOY_PARAMETER=$(DEPLOY_PARAMETER): not a parameter name;) \
	$(if $(DEPLOY_INFRA_REPO),$(if $(call deploy_only,$(DEPLOY_INFRA_REPO),- _ . /)$(call deploy_not_repo,$(DEPLOY_INFRA_REPO)),DEPLOY_INFRA_REPO=$(DEPLOY_INFRA_REPO): want OWNER/REPO;)) \
	$(if $(call deploy_only,$(DEPLOY_WORKFLOW),- _ .)$(call deploy_not_workflow,$(DEPLOY_WORKFLOW)),DEPLOY_WORKFLOW=$(DEPLOY_WORKFLOW): want a workflow file name (.yml or .yaml) or id;) \
	$(if $(call deploy_not_duration,$(DEPLOY_TIMEOUT)),DEPLOY_TIMEOUT=$(DEPLOY_TIMEOUT): want a duration such as 30m$(,) 90s or 1h;) \
	$(if $(and $(filter http https,$(DEPLOY_REGISTRY_SCHEME)),$(filter 1,$(words $(DEPLOY_REGISTRY_SCHEME)))),,DEPLOY_REGISTRY_SCHEME=$(DEPLOY_REGISTRY_SCHEME): https or http;) \
	$(foreach v,DEPLOY_DOCKERFILE DEPLOY_CONTEXT,$(if $(call deploy_only,$($(v)),- _ . /),$(v)=$($(v)): letters$(,) digits$(,) -$(,) _$(,) . and / only;)) \
	$(if $(DEPLOY_REF),$(if $(call deploy_only,$(DEPLOY_REF),- _ . /),DEPLOY_REF=$(DEPLOY_REF): not a git ref;)) \
	$(if $(DEPLOY_REGISTRY),$(if $(call deploy_only,$(DEPLOY_REGISTRY),- . : [ ]),DEPLOY_REGISTRY=$(DEPLOY_REGISTRY): not a host[:port];)) \
	$(foreach v,DEPLOY_INPUT_APP DEPLOY_INPUT_ENV DEPLOY_INPUT_VERSION $(if $(DEPLOY_CORRELATE_INPUT),DEPLOY_CORRELATE_INPUT),$(if $(call deploy_only,$($(v)),- _),$(v)=$($(v)): letters$(,) digits$(,) - and _ only;))
, := ,
deploy_problems = $(or $(strip $(deploy_problems_base)),$(strip \
	$(foreach v,DEPLOY_INFRA_REPO VERSION,$(if $(strip $($(v))),,$(v) is required;)) \
	$(deploy_problems_knobs)))
deploy_problems_status = $(or $(strip $(deploy_problems_base)),$(strip $(deploy_problems_knobs)))
# The problems, one ";" between each, none after the last (make adds ".").
deploy_list = $(subst @@,,$(subst ;@@,,$(strip $(1))@@))
deploy_check = $(if $(strip $(deploy_problems)),$(error deploy.mk: $(call deploy_list,$(deploy_problems))))
deploy_check_base = $(if $(deploy_problems_status),$(error deploy.mk: $(call deploy_list,$(deploy_problems_status))))

# Checked early for the deploy goals; checked again in the first stage's
# recipe, for an app target that depends on deploy without naming it.
deploy_goals := deploy deploy-target deploy-image deploy-push deploy-release \
	deploy-trigger deploy-wait rollback
ifneq ($(filter $(deploy_goals),$(MAKECMDGOALS)),)
$(deploy_check)
else ifneq ($(filter deploy-status deploy-clean,$(MAKECMDGOALS)),)
$(deploy_check_base)
endif

# The release after a rollback's choice of version has no image stages.
deploy_release_needs = $(if $(DEPLOY_ROLLBACK),$(deploy_dir)/target.json,$(deploy_dir)/push.json)

# The registry helper, with the knobs it reads from its environment.
deploy_digest = PATH="$(if $(DEPLOY_BIN),$(DEPLOY_BIN):)$$PATH" \
	DEPLOY_REGISTRY_SCHEME='$(DEPLOY_REGISTRY_SCHEME)' \
	DEPLOY_ECR_FLAGS='$(DEPLOY_ECR_FLAGS)' $(deploy_mk_dir)registry-digest

# Signals.  make passes SIGTERM (a CI runner's cancel) only to the shell it
# started: the stages' lines run under mk/deploy-sh, which passes it on to
# all a line runs and waits for it all to end.  An interrupted stage leaves
# no $@.tmp (deploy_trap, first in its line), and make deletes no stage
# file on the way out: one that exists is whole.
deploy_stage_files = $(addprefix $(deploy_dir)/,target.json image.json push.json \
	release.json dispatch.json result.json)
.PRECIOUS: $(deploy_stage_files)
$(deploy_stage_files) deploy rollback: private SHELL := /bin/sh
$(deploy_stage_files) deploy rollback: private .SHELLFLAGS := $(deploy_mk_dir)deploy-sh -c
deploy_trap = trap '[ $$? -eq 0 ] || rm -f $@.tmp' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM;

# Reporting, in GitHub Actions and to the webhook, is decided here once:
# without it the recipes are the plain ones.  Of DEPLOY_NOTIFY_URL make
# looks only at whether it is defined, never at its value.
deploy_gha := $(filter true,$(value GITHUB_ACTIONS))
deploy_reporting := $(or $(deploy_gha),$(if $(filter undefined,$(origin DEPLOY_NOTIFY_URL)),,1))
ifneq ($(deploy_reporting),)
# A stage's commands become the function deploy_stage, which mk/stage.sh
# runs: a failure closes the stage's group, is reported (mk/report) and
# exits with the stage's status.  $(call deploy_post,STAGE,STDERR-FILE)
deploy_begin = $(if $(deploy_gha),@echo '::group::deploy: $(1)')
deploy_pre = deploy_stage() (
deploy_post = ); set -- '$(deploy_mk_dir)' $(1) '$(2)' '$(deploy_dir)' '$(APP)' '$(ENV)' \
	'$(VERSION)' '$(DEPLOY_PARAMETER)'; . '$(deploy_mk_dir)stage.sh'
deploy_end = $(if $(deploy_gha), && echo ::endgroup::)
else
deploy_begin =
deploy_pre =
deploy_post =
deploy_end =
endif

# --- Stages ---------------------------------------------------------------

$(deploy_dir)/target.json:
	$(deploy_check)
	$(call deploy_begin,target)
	@mkdir -p $(@D)
	$(deploy_say) target "$(APP) $(ENV) $(VERSION)"
	$(deploy_Q)$(deploy_pre)$(deploy_trap)$(if $(and $(deploy_version_from_git),$(if $(DEPLOY_ALLOW_DIRTY),,1)),\
	if ! git diff --quiet HEAD -- 2>/dev/null; then \
		echo 'deploy.mk: the work tree has uncommitted changes: VERSION $(VERSION) would not be what is deployed (commit, or set DEPLOY_ALLOW_DIRTY=1)' >&2; \
		exit 2; \
	fi;) \
	reg='$(DEPLOY_REGISTRY)'; \
	if [ -z "$$reg" ]; then \
		reg=$$($(call deploy_tool,ecr-token) -q $(DEPLOY_ECR_FLAGS) | tail -n 1 | jq -er .registry) && \
			[ -n "$$reg" ] || exit 1; \
	fi; \
	case $$reg in *[!A-Za-z0-9.:\[\]-]*) \
		echo "deploy.mk: $$reg: not a registry host" >&2; exit 1;; esac; \
	jq -cn --arg r "$$reg" --arg p '$(DEPLOY_REPOSITORY)' --arg v '$(VERSION)' \
		--argjson s "$$(date +%s)" \
		'{registry: $$r, repository: $$p, version: $$v, image: "\($$r)/\($$p):\($$v)", started_at: ($$s | todate), started_epoch: $$s}' >$@.tmp$(call deploy_post,target,$@.err)
	@mv $@.tmp $@$(deploy_end)

# The stage files below are written with printf: every value in them is
# validated (names, the registry host) or a digest, so needs no escaping,
# and one jq fewer per stage is 15 ms less each (jq 1.6's start-up).
$(deploy_dir)/image.json: $(deploy_dir)/target.json
	$(call deploy_begin,image)
	$(deploy_Q)$(deploy_pre)$(deploy_trap) set -- $$(jq -r '.image, .registry' $<); image=$$1 reg=$$2; \
	if digest=$$($(deploy_digest) "$$reg" '$(DEPLOY_REPOSITORY)' '$(VERSION)'); then \
		printf 'deploy: %-8s %s\n' image "$$image is in the registry already: not built"; \
		built=false; \
	else \
		rc=$$?; [ $$rc -eq 1 ] || exit $$rc; \
		printf 'deploy: %-8s %s\n' image "building $$image"; \
		$(DOCKER) build -t "$$image" -f '$(DEPLOY_DOCKERFILE)' $(DEPLOY_BUILD_FLAGS) '$(DEPLOY_CONTEXT)' || exit 1; \
		built=true digest=; \
	fi; \
	d=null; [ -z "$$digest" ] || d="\"$$digest\""; \
	printf '{"image":"%s","registry":"%s","built":%s,"digest":%s}\n' "$$image" "$$reg" \
		$$built "$$d" >$@.tmp$(call deploy_post,image,$@.err)
	@mv $@.tmp $@$(deploy_end)

$(deploy_dir)/push.json: $(deploy_dir)/image.json
	$(call deploy_begin,push)
	$(deploy_Q)$(deploy_pre)$(deploy_trap) set -- $$(jq -r '.image, .registry, .built, (.digest // "-")' $<); \
	image=$$1 reg=$$2 built=$$3 digest=$$4; \
	if [ "$$built" = false ]; then \
		pushed=false; \
	else \
		printf 'deploy: %-8s %s\n' push "$$image"; \
		$(call deploy_tool,ecr-token) -q --password $(DEPLOY_ECR_FLAGS) | \
			$(DOCKER) login --username AWS --password-stdin "$$reg" >/dev/null || exit 1; \
		$(DOCKER) push -q "$$image" >/dev/null || exit 1; \
		digest=$$($(deploy_digest) "$$reg" '$(DEPLOY_REPOSITORY)' '$(VERSION)') || exit 1; \
		pushed=true; \
	fi; \
	printf '{"image":"%s","digest":"%s","pushed":%s}\n' "$$image" "$$digest" $$pushed >$@.tmp$(call deploy_post,push,$@.err)
	@mv $@.tmp $@$(deploy_end)

$(deploy_dir)/release.json: $(deploy_release_needs)
	$(call deploy_begin,release)
	$(deploy_say) release "$(DEPLOY_PARAMETER) = $(VERSION)"
	$(deploy_Q)$(deploy_pre)$(deploy_trap) $(call deploy_tool,ssm-put) -q --name '$(DEPLOY_PARAMETER)' --value '$(VERSION)' >$@.tmp$(call deploy_post,release,$@.err)
	@mv $@.tmp $@$(deploy_end)

# A dispatch sent is recorded whatever comes next, so that the next make
# waits on its run instead of dispatching again: gh-dispatch holds a signal
# until it has printed the run, which is moved into place, in this line,
# before the signal stops make.
$(deploy_dir)/dispatch.json: $(deploy_dir)/release.json
	$(call deploy_begin,trigger)
	$(deploy_say) trigger "$(DEPLOY_INFRA_REPO) $(DEPLOY_WORKFLOW)"
	$(deploy_Q)$(deploy_pre)sig=; trap 'sig=130' INT; trap 'sig=143' TERM; \
	$(call deploy_tool,gh-dispatch) -q --repo '$(DEPLOY_INFRA_REPO)' \
		--workflow '$(DEPLOY_WORKFLOW)' $(if $(DEPLOY_REF),--ref '$(DEPLOY_REF)') \
		-f '$(DEPLOY_INPUT_APP)=$(APP)' -f '$(DEPLOY_INPUT_ENV)=$(ENV)' \
		-f '$(DEPLOY_INPUT_VERSION)=$(VERSION)' \
		$(if $(DEPLOY_CORRELATE_INPUT),--correlate-input '$(DEPLOY_CORRELATE_INPUT)') >$@.tmp; \
	rc=$$?; if [ -s $@.tmp ] && { [ $$rc -eq 0 ] || [ $$rc -eq 130 ] || [ $$rc -eq 143 ]; }; then \
		mv $@.tmp $@ || exit 1; \
	else rm -f $@.tmp; [ $$rc -ne 0 ] || rc=3; fi; \
	[ -z "$$sig" ] || exit $$sig; exit $$rc$(call deploy_post,trigger,$@.err)
	$(if $(deploy_end),@:$(deploy_end))

# The wait is done when the run's outcome is known, whatever it is: the
# report says whether it was a success.  An interrupted wait leaves no file,
# so the next make waits on the same run again.
$(deploy_dir)/result.json: $(deploy_dir)/dispatch.json
	$(call deploy_begin,wait)
	$(deploy_say) wait "run of $(DEPLOY_WORKFLOW) in $(DEPLOY_INFRA_REPO)"
	$(deploy_Q)$(deploy_pre)$(deploy_trap) $(call deploy_tool,gh-wait) --timeout '$(DEPLOY_TIMEOUT)' <$< >$@.tmp; \
	rc=$$?; [ $$rc -le 1 ] && [ -s $@.tmp ] || { rm -f $@.tmp; [ $$rc -ne 0 ] || rc=3; exit $$rc; }$(call deploy_post,wait,$@.err)
	@mv $@.tmp $@$(deploy_end)

# --- Verbs ----------------------------------------------------------------

.PHONY: deploy deploy-target deploy-image deploy-push deploy-release \
	deploy-trigger deploy-wait deploy-status deploy-clean rollback \
	deploy-help help

# The report stage is no group: its line ends the log, in sight.
deploy: $(deploy_dir)/result.json
	$(deploy_Q)$(deploy_pre)d='$(deploy_dir)'; p=/dev/null; [ -f "$$d/push.json" ] && p=$$d/push.json; \
	jq -rn -f '$(deploy_mk_dir)report.jq' --slurpfile target "$$d/target.json" \
		--slurpfile push "$$p" --slurpfile release "$$d/release.json" \
		--slurpfile result "$$d/result.json" --arg app '$(APP)' --arg env '$(ENV)' \
		--arg parameter '$(DEPLOY_PARAMETER)' --arg now "$$(date +%s)"$(call deploy_post,report,$(deploy_dir)/report.err)

deploy-target: $(deploy_dir)/target.json
deploy-image: $(deploy_dir)/image.json
deploy-push: $(deploy_dir)/push.json
deploy-release: $(deploy_dir)/release.json
deploy-trigger: $(deploy_dir)/dispatch.json
deploy-wait: $(deploy_dir)/result.json

deploy-status:
	$(deploy_check_base)
	$(deploy_Q)$(call deploy_tool,ssm-get) -q '$(DEPLOY_PARAMETER)' | \
		jq -r '"live:     \(.value) (parameter $(DEPLOY_PARAMETER) v\(.version), \(.last_modified))"'; \
	last=$$(find '$(DEPLOY_STATE)/$(ENV)' -name result.json 2>/dev/null | xargs -r ls -t | head -n 1); \
	if [ -n "$$last" ]; then \
		jq -r '"last run: \(.conclusion // .status) \(.html_url) (\(.completed_at // "not finished"))"' "$$last"; \
	else \
		echo 'last run: none recorded in $(DEPLOY_STATE)/$(ENV)'; \
	fi

# Back to the version before the live one, from the parameter's history.
# The choice is written down first (rollback/FROM-TO/), so that a re-run
# after a failure resumes that rollback instead of going back once more.
rollback:
	$(deploy_check_base)
	$(deploy_Q)base='$(DEPLOY_STATE)/$(ENV)/rollback'; pending=; \
	for f in "$$base"/*/choice.json; do \
		[ -f "$$f" ] && [ ! -f "$${f%/choice.json}/done" ] && { pending=$$f; break; }; \
	done; \
	if [ -n "$$pending" ]; then \
		to=$$(jq -r .to "$$pending"); \
		printf 'deploy: %-8s %s\n' rollback "resuming the rollback to $$to"; \
	else \
		from=$$($(call deploy_tool,ssm-get) -q '$(DEPLOY_PARAMETER)' | jq -er .value) || exit 1; \
		to=$$($(call deploy_tool,ssm-get) -q --previous '$(DEPLOY_PARAMETER)' | jq -er .value) || exit 1; \
		mkdir -p "$$base/$$from-$$to" || exit 1; \
		pending=$$base/$$from-$$to/choice.json; \
		jq -cn --arg f "$$from" --arg t "$$to" '{from: $$f, to: $$t}' >"$$pending" || exit 1; \
		printf 'deploy: %-8s %s\n' rollback "$$from -> $$to"; \
	fi; \
	$(MAKE) --no-print-directory deploy VERSION="$$to" DEPLOY_ROLLBACK=1 \
		DEPLOY_STATE="$${pending%/choice.json}" ENV='$(ENV)' && \
		touch "$${pending%/choice.json}/done"

deploy-clean:
	$(deploy_check_base)
	$(deploy_say) clean "$(DEPLOY_STATE)/$(ENV)"
	$(deploy_Q)rm -rf '$(DEPLOY_STATE)/$(ENV)'

deploy-help help:
	@echo 'deploykit (deploy.mk(7)): make deploy APP=name ENV=name'
	@echo
	@echo 'Targets:'
	@echo '  deploy          build, push, release, trigger, wait, report'
	@echo '  deploy-target   where the image goes (registry from ecr-token)'
	@echo '  deploy-image    build the image, unless the tag is in the registry'
	@echo '  deploy-push     push it and record its digest'
	@echo '  deploy-release  write VERSION into the SSM parameter'
	@echo '  deploy-trigger  dispatch the infra deploy workflow'
	@echo '  deploy-wait     wait for that run'
	@echo '  deploy-status   the live version and the last run'
	@echo '  rollback        back to the previous version, trigger, wait'
	@echo '  deploy-clean    forget the state of ENV (the next deploy starts afresh)'
	@echo
	@echo 'Variables (current values):'
	@$(foreach v,APP ENV VERSION DOCKER DEPLOY_BIN DEPLOY_STATE DEPLOY_CONTEXT \
		DEPLOY_DOCKERFILE DEPLOY_BUILD_FLAGS DEPLOY_REGISTRY DEPLOY_REGISTRY_SCHEME \
		DEPLOY_ECR_FLAGS DEPLOY_REPOSITORY DEPLOY_PARAMETER DEPLOY_INFRA_REPO \
		DEPLOY_WORKFLOW DEPLOY_REF DEPLOY_INPUT_APP DEPLOY_INPUT_ENV \
		DEPLOY_INPUT_VERSION DEPLOY_CORRELATE_INPUT DEPLOY_TIMEOUT DEPLOY_ALLOW_DIRTY,\
		printf '  %-24s %s\n' '$(v)' '$(subst ','\'',$($(v)))';)
	@printf '  %-24s %s\n' DEPLOY_NOTIFY_URL '$(if $(value DEPLOY_NOTIFY_URL),set (a secret: not shown))' \
		GITHUB_ACTIONS '$(if $(deploy_gha),true (groups$(,) annotations$(,) step summary and outputs))'

.DEFAULT_GOAL := $(deploy_saved_goal)
