# The two commands of the README's quick start.
.PHONY: demo test build

demo:
	./scripts/demo

test:
	./scripts/test

build:
	mkdir -p bin && go build -o bin/ ./cmd/ingest ./cmd/catalog
