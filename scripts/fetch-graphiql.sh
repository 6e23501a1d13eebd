#!/usr/bin/env bash
# Puts the GraphiQL and React bundles under $METSKIN_VAR_DIR/graphiql (default var/graphiql),
# from the npm registry, so that development mode serves GraphiQL from this origin (no CDN).
set -euo pipefail
dest="${METSKIN_VAR_DIR:-var}/graphiql"
if [ -f "$dest/graphiql.min.js" ]; then exit 0; fi
command -v npm >/dev/null || { echo "fetch-graphiql: npm is needed (apt-get install npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent graphiql@3.8.3 react@18.3.1 react-dom@18.3.1 >/dev/null)
for package in graphiql-3.8.3 react-18.3.1 react-dom-18.3.1; do
  mkdir -p "$work/$package" && tar xzf "$work/$package.tgz" -C "$work/$package"
done
mkdir -p "$dest"
cp "$work/graphiql-3.8.3/package/graphiql.min.js" "$work/graphiql-3.8.3/package/graphiql.min.css" "$dest/"
cp "$work/react-18.3.1/package/umd/react.production.min.js" "$dest/"
cp "$work/react-dom-18.3.1/package/umd/react-dom.production.min.js" "$dest/"
echo "fetch-graphiql: GraphiQL 3.8.3 and React 18.3.1 in $dest" >&2
