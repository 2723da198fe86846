// Command interop checks a built Harvest Ledger site with code nobody on the project wrote:
// Go's golang.org/x/mod/sumdb/note (signed checkpoints) and sumdb/tlog (tiles, proofs).
//
// For every ledger in ledgers/logs.json it opens the current checkpoint and every sealed head
// (checkpoints/<size>) with the ledger's verifier key, reads each head's tree through
// tlog.TileHashReader over the published tiles (which checks every tile against the signed
// root), checks the published consistency proofs between heads with tlog.CheckTree, and, when
// given -proof and -entry, checks a `build.py proof` output with tlog.CheckRecord.
//
// Run offline in GOPATH mode, with Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run tests/interop/interop.go site
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type logs struct {
	Logs []struct {
		ID     string  `json:"id"`
		Origin string  `json:"origin"`
		Key    *string `json:"key"`
	} `json:"logs"`
}

// tiles reads C2SP tlog-tiles (tile/<L>/<N>) for x/mod's tlog, whose paths carry the height.
type tiles struct{ dir string }

func (t tiles) Height() int { return 8 }

func (t tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, tile := range ts {
		rel := strings.Replace(tile.Path(), "tile/8/", "tile/", 1)
		data, err := os.ReadFile(filepath.Join(t.dir, rel))
		if os.IsNotExist(err) && strings.Contains(rel, ".p/") {
			// C2SP tlog-tiles: a partial tile may be gone once its full tile exists; a client
			// reads the full tile and keeps the first W hashes.
			full, ferr := os.ReadFile(filepath.Join(t.dir, rel[:strings.Index(rel, ".p/")]))
			if ferr == nil && len(full) == tlog.HashSize<<uint(tile.H) {
				data, err = full[:tile.W*tlog.HashSize], nil
			}
		}
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (t tiles) SaveTiles([]tlog.Tile, [][]byte) {}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAILED: "+format+"\n", args...)
	os.Exit(1)
}

// open verifies a signed checkpoint with the ledger key and returns its size and root.
func open(path string, verifier note.Verifier, origin string) (int64, tlog.Hash) {
	msg, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("%s: note.Open: %v", path, err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != origin {
		fail("%s: not a checkpoint of %s", path, origin)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("%s: size: %v", path, err)
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		fail("%s: root: %v", path, err)
	}
	var root tlog.Hash
	copy(root[:], raw)
	return size, root
}

func readProof(path string) tlog.TreeProof {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var proof tlog.TreeProof
	for _, row := range strings.Fields(string(data)) {
		proof = append(proof, hashOf(row, path))
	}
	return proof
}

// hashOf decodes one base64 SHA-256 hash, a line of a proof.
func hashOf(row, where string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(row)
	if err != nil || len(raw) != tlog.HashSize {
		fail("%s: %q is not a base64 SHA-256 hash", where, row)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

func main() {
	proofFile := flag.String("proof", "", "a c2sp.org/tlog-proof@v1 from build.py proof")
	entryFile := flag.String("entry", "", "the ledger line the proof is for")
	keyText := flag.String("key", "", "the ledger's verifier key, for -proof")
	flag.Parse()
	site := flag.Arg(0)
	data, err := os.ReadFile(filepath.Join(site, "ledgers", "logs.json"))
	if err != nil {
		fail("%v", err)
	}
	var listing logs
	if err := json.Unmarshal(data, &listing); err != nil {
		fail("logs.json: %v", err)
	}
	for _, log := range listing.Logs {
		if log.Key == nil {
			fail("%s: unsigned (no verifier key)", log.ID)
		}
		verifier, err := note.NewVerifier(*log.Key)
		if err != nil {
			fail("%s: note.NewVerifier: %v", log.ID, err)
		}
		if verifier.Name() != log.Origin {
			fail("%s: key name %s is not the origin %s", log.ID, verifier.Name(), log.Origin)
		}
		dir := filepath.Join(site, "ledgers", log.ID)
		heads := map[int64]tlog.Hash{}
		size, root := open(filepath.Join(dir, "checkpoint"), verifier, log.Origin)
		heads[size] = root
		index, _ := os.ReadFile(filepath.Join(dir, "checkpoints", "index"))
		sizes := []int64{}
		for _, s := range strings.Fields(string(index)) {
			m, r := open(filepath.Join(dir, "checkpoints", s), verifier, log.Origin)
			heads[m] = r
			sizes = append(sizes, m)
		}
		for m, r := range heads {
			reader := tlog.TileHashReader(tlog.Tree{N: m, Hash: r}, tiles{dir})
			got, err := tlog.TreeHash(m, reader)
			if err != nil || got != r {
				fail("%s: tiles of size %d: %v", log.ID, m, err)
			}
			if m < size {
				// A consistency proof from this head to the current one, read through the current tiles.
				current := tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, tiles{dir})
				proof, err := tlog.ProveTree(size, m, current)
				if err != nil {
					fail("%s: ProveTree %d -> %d: %v", log.ID, m, size, err)
				}
				if err := tlog.CheckTree(proof, size, root, m, r); err != nil {
					fail("%s: CheckTree %d -> %d: %v", log.ID, m, size, err)
				}
				published := readProof(filepath.Join(dir, "consistency", strconv.FormatInt(m, 10)))
				if err := tlog.CheckTree(published, size, root, m, r); err != nil {
					fail("%s: consistency/%d: %v", log.ID, m, err)
				}
			}
		}
		for i := 0; i+1 < len(sizes); i++ {
			m, n := sizes[i], sizes[i+1]
			p := readProof(filepath.Join(dir, "consistency", fmt.Sprintf("%d-%d", m, n)))
			if err := tlog.CheckTree(p, n, heads[n], m, heads[m]); err != nil {
				fail("%s: consistency/%d-%d: %v", log.ID, m, n, err)
			}
		}
		fmt.Printf("ok %s: %d signed heads, tiles read with tlog.TileHashReader, proofs checked\n", log.ID, len(heads))
	}
	if *proofFile != "" {
		checkProof(*proofFile, *entryFile, *keyText)
	}
}

// checkProof checks a c2sp.org/tlog-proof@v1: its checkpoint with note.Open, its inclusion
// proof with tlog.CheckRecord.
func checkProof(proofFile, entryFile, keyText string) {
	text, err := os.ReadFile(proofFile)
	if err != nil {
		fail("%v", err)
	}
	entry, err := os.ReadFile(entryFile)
	if err != nil {
		fail("%v", err)
	}
	parts := bytes.SplitN(text, []byte("\n\n"), 2)
	rows := strings.Split(string(parts[0]), "\n")
	if len(parts) != 2 || rows[0] != "c2sp.org/tlog-proof@v1" || !strings.HasPrefix(rows[1], "index ") {
		fail("%s: not a c2sp.org/tlog-proof@v1", proofFile)
	}
	index, err := strconv.ParseInt(strings.TrimPrefix(rows[1], "index "), 10, 64)
	if err != nil {
		fail("index: %v", err)
	}
	var proof tlog.RecordProof
	for _, row := range rows[2:] {
		proof = append(proof, hashOf(row, proofFile))
	}
	verifier, err := note.NewVerifier(keyText)
	if err != nil {
		fail("note.NewVerifier: %v", err)
	}
	path := proofFile + ".checkpoint"
	if err := os.WriteFile(path, parts[1], 0o644); err != nil {
		fail("%v", err)
	}
	size, root := open(path, verifier, verifier.Name())
	if err := tlog.CheckRecord(proof, size, root, index, tlog.RecordHash(bytes.TrimRight(entry, "\n"))); err != nil {
		fail("CheckRecord: %v", err)
	}
	fmt.Printf("ok proof: entry %d is in the signed tree of %d entries (tlog.CheckRecord)\n", index, size)
}
