# The service's two everyday commands are `make run` and `make test`; `make lint` checks the
# contract and the clients generated from it. See README.md.
SHELL := /bin/bash
MVN ?= mvn -B -q
MVN_TEST ?= mvn -B --no-transfer-progress
JAR := target/lro-service.jar
NODE_TOOLS := node_modules/.package-lock.json
SOURCES := pom.xml openapi.yaml package-lock.json scripts/openapi-3.0.sh scripts/openapi-3.0.mjs $(shell find src/main -type f 2>/dev/null)

.PHONY: run cluster test lint node_modules token build package bench soak drill fuzz clean

## build, package: the one runnable jar, target/lro-service.jar (only when a source changed). The
## build makes the contract's OpenAPI 3.0 rendition with the Node tools, so they are installed first.
build: $(JAR)
package: $(JAR)

$(JAR): $(SOURCES) | $(NODE_TOOLS)
	$(MVN) -DskipTests package

## run: start PostgreSQL when none answers, then the service in the foreground (Ctrl-C stops it)
run: $(JAR)
	scripts/dev-postgres.sh
	scripts/aot-cache.sh || echo "make run: no AOT cache; the service starts without it"
	LOG_FORMAT=$${LOG_FORMAT:-text} exec scripts/run-service.sh $(JAR)

## cluster: the reference deployment: INSTANCES (3) instances behind HAProxy (deploy/haproxy.cfg) on
## one PostgreSQL, serving on PORT (8080); Ctrl-C stops them all. See README.md, "Deployment".
cluster: $(JAR)
	scripts/dev-postgres.sh
	scripts/aot-cache.sh || echo "make cluster: no AOT cache; the instances start without it"
	exec scripts/cluster.sh

## token: print a token that a development-mode server trusts; TOKEN_ARGS='--scp=... --wids=...'
## changes its scopes and gives it directory roles
token: $(JAR)
	@java -cp $(JAR) com.contoso.lro.auth.DevToken $(TOKEN_ARGS)

## test: the whole suite, against a real PostgreSQL, in a fresh database per test class; the
## script checks (check-binding.sh, test-dev-postgres.sh, check-jar.sh) run beside it (scripts/test.sh)
test: $(NODE_TOOLS)
	scripts/dev-postgres.sh --no-create-db
	MVN_TEST="$(MVN_TEST)" scripts/test.sh

## lint: the contract under Redocly's recommended rules and openapi-generator's validation, and
## the TypeScript client generated from it type-checked by tsc; its OpenAPI 3.0 rendition under two
## validators of 3.0, and a client generated from it by openapi-typescript-codegen type-checked too
lint: $(NODE_TOOLS)
	scripts/lint-contract.sh
	scripts/validate-contract.sh
	scripts/check-typescript-client.sh
	scripts/check-openapi-3.0.sh

# The Node tools, at the versions package-lock.json pins; installed again whenever it changes.
# No install script is needed: the only two in the tree are core-js's donation banner and
# protobufjs's check of its dependents' version ranges.
$(NODE_TOOLS): package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

## node_modules: the same Node tools on their own (make build, make test and make lint install them)
node_modules: $(NODE_TOOLS)

## bench: measure the service against pgbench limits of its own SQL on this machine; not part of
## `make test`. C, T, REPEAT, WARMUP_SECONDS, KEEP_DB, ... from the environment: see README.md.
bench:
	bench/run.sh

## soak: 10 minutes at half the creates/s of the last make bench, with reads and long-polls; fails
## on any error or on RSS growth over 10 %. Not part of `make test`. SOAK_* from the environment.
soak:
	bench/soak.sh

## drill: fault drills under load through HAProxy on a PostgreSQL of the drill's own: a rolling
## restart, an instance killed, PostgreSQL restarted, a slow and lossy network. Prints one table
## (bench/results/drill-latest.md); fails when a drill breaks its rule. Not part of `make test`.
drill:
	bench/drill.sh

## fuzz: each Jazzer fuzz target in fuzzing mode for FUZZ_SECONDS (600) each; FUZZ_TARGETS picks
## some. Not part of `make test`, which replays the committed inputs. See README.md, "Fuzzing".
fuzz:
	scripts/fuzz.sh

clean:
	$(MVN) clean
