#!/bin/sh
# Gives a stand-in base the layout of the AWS Deep Learning Container bases (and of SageMaker's scikit-learn
# image), the layout that decides which `train` and which `python3` run:
#  - a Python environment at PREFIX (conda there; a venv over the system Python here, which sees the Debian
#    packages: numpy, mpi4py, the framework) whose bin/ the Containerfile puts first on PATH, so `python3`
#    is PREFIX/bin/python3, and `pip install` goes into PREFIX as it does into conda;
#  - the Python SageMaker Training Toolkit pip-installed there (a stand-in, python-toolkit/), whose `train`
#    console script sits in PREFIX/bin, ahead of /usr/local/bin on PATH. The stand-in records that it ran
#    and fails, so a test can tell whether smtk's train or this one ran.
#   usage: install.sh PREFIX [PACKAGE_DIR...]   (packages copied into PREFIX's site-packages)
set -eu
prefix=$1
shift
here=$(dirname "$0")
python3 -m venv --system-site-packages --without-pip "$prefix"
site=$("$prefix/bin/python3" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp -R "$here/python-toolkit/." "$site/"
for package in "$@"; do
  cp -R "$package" "$site/"
done
# The console script as pip writes it for sagemaker-training's entry point train = sagemaker_training.cli.train:main.
cat > "$prefix/bin/train" <<SCRIPT
#!$prefix/bin/python3
# -*- coding: utf-8 -*-
import re
import sys
from sagemaker_training.cli.train import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\.pyw|\.exe)?\$', '', sys.argv[0])
    sys.exit(main())
SCRIPT
chmod 755 "$prefix/bin/train"
