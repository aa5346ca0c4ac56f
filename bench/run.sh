#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one command, from the repository root:
#   bash bench/run.sh [DOCS]        (default 20000 documents)
# Needs ../shared/data (bbc-news for the synthetic corpora, pan13-train) and the
# bench extra: pip install -e '.[bench]'. Figures go to stdout and bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
docs="${1:-20000}"
shared="$(cd .. && pwd)/shared/data"
mkdir -p bench/out
echo "## $(date -u +%Y-%m-%d) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, $(python3 --version)"
echo
echo "### Synthetic corpus, $docs documents: accuracy and throughput, side by side with datasketch"
python3 bench/throughput.py --docs "$docs" --seed 1 --workers-all
echo
echo "### Dense reuse and damaged text (issue 21): each profile beside datasketch"
python3 bench/throughput.py --docs "$docs" --seed 1 --profile dense damaged dense-damaged --workers-all
echo
echo "### The same with a third of the derived documents damaged by lossy mojibake"
python3 bench/throughput.py --docs "$docs" --seed 1 --damage-share 0.33 --skip-datasketch
echo
echo "### PAN 2013 text-alignment training corpus through textreuse align --pairs"
python3 bench/pan.py "$shared/pan13-train" --out bench/out/pan13-train
echo
echo "### Scaling: time against corpus size (one process)"
python3 bench/scaling.py --sizes 20000 50000 100000
echo
echo "### Main-text extraction on the article-extraction pages: textreuse beside trafilatura"
python3 bench/extraction.py --data "$shared/article-extraction"
echo
echo "### WARC ingestion speed beside FastWARC alone"
python3 bench/warc_throughput.py --warc bench/out/article-extraction.warc.gz
echo
echo "### Stories against planted lineages (B-cubed), the damaged synthetic corpus"
python3 bench/stories.py --docs "$docs" --seed 1 --damage-share 0.33
echo
echo "### Stories at viral scale: one story copied k times beside unrelated documents"
python3 bench/viral.py --k 10 100 1000 10000 100000 --base-docs 20000 --compare
echo
echo "### Stories at their limits: a digest in 10,000 stories, 200 documents all quoting each other"
python3 bench/limits.py --digest 10000 --mutual 200
echo
echo "### Real news: Reuters-21578 dev half against word 5-gram containment"
python3 bench/reuters.py --data "$shared/reuters21578-dev/reuters21578-dev.jsonl" --sample 20 --seed 1
echo
echo "### Planted reuse in real prose of several scripts (issue 19)"
python3 bench/scripts.py
echo
echo "### OCR-like damage on both copies, defaults and scan --ocr (issue 19)"
python3 bench/ocr.py
python3 bench/ocr.py --ocr
echo
echo "### A million documents on one machine: time, memory and disk by size (issue 20)"
python3 bench/scale.py --sizes 100000 300000 1000000 --workers 1 2
