// Command oracle answers template and regexp questions with Go's own implementations, one JSON request per
// line on stdin and one JSON answer per line on stdout, so a single process serves thousands of cases.
// It is test tooling: test/cluster/oracle.test.ts compares the TypeScript engine with its answers.
//
// Requests:
//
//	{"op":"template","name":"t","text":"{{ .a }}","data":{"a":"x"}}
//	  -> {"ok":true,"out":"eA=="} or {"ok":false,"err":"<base64 of template: t:1:3: ...>"}
//	{"op":"regexp","expr":"a(b)?","input":"ab","repl":"$1","n":-1}
//	  -> {"ok":true,"compileErr":"..."} or {"ok":true,"match":true,"matches":[...],"replaced":"...","split":[...]}
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"text/template"
	"time"

	esotemplate "github.com/external-secrets/external-secrets/pkg/template/v2"
)

type request struct {
	Op    string            `json:"op"`
	Name  string            `json:"name"`
	Text  string            `json:"text"`
	Data  map[string]string `json:"data"`
	Expr  string            `json:"expr"`
	Input string            `json:"input"`
	Repl  string            `json:"repl"`
	N     int               `json:"n"`
}

type response struct {
	// Out and Err are Go strings (bytes, not necessarily UTF-8): JSON carries them as base64.
	Out        []byte   `json:"out,omitempty"`
	Err        []byte   `json:"err,omitempty"`
	OK         bool     `json:"ok"`
	CompileErr *string  `json:"compileErr,omitempty"`
	Match      *bool    `json:"match,omitempty"`
	Matches    [][]int  `json:"matches,omitempty"`
	Replaced   *string  `json:"replaced,omitempty"`
	Split      []string `json:"split,omitempty"`
	Names      []string `json:"names,omitempty"`
}

// funcs is ESO's template engine v2 function map: Go's builtins plus Sprig (without env and expandenv)
// plus ESO's own functions, exactly as ESO builds it.
var funcs = esotemplate.FuncMap()

func renderTemplate(req request) (resp response) {
	defer func() {
		if r := recover(); r != nil {
			resp = response{Err: []byte(fmt.Sprintf("panic: %v", r))}
		}
	}()
	t, err := template.New(req.Name).Option("missingkey=error").Funcs(funcs).Parse(req.Text)
	if err != nil {
		return response{Err: []byte(err.Error())}
	}
	data := req.Data
	if data == nil {
		data = map[string]string{}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return response{Err: []byte(err.Error())}
	}
	return response{OK: true, Out: buf.Bytes()}
}

func runRegexp(req request) response {
	re, err := regexp.Compile(req.Expr)
	if err != nil {
		msg := err.Error()
		return response{OK: true, CompileErr: &msg}
	}
	matched := re.MatchString(req.Input)
	replaced := re.ReplaceAllString(req.Input, req.Repl)
	matches := re.FindAllStringSubmatchIndex(req.Input, req.N)
	if matches == nil {
		matches = [][]int{}
	}
	split := re.Split(req.Input, req.N)
	if split == nil {
		split = []string{}
	}
	return response{OK: true, Match: &matched, Matches: matches, Replaced: &replaced, Split: split, Names: re.SubexpNames()}
}

// heapLimit stops the oracle rather than let a runaway template (Go's text/template has no resource limits)
// take the machine's memory: the caller sends only cases its own engine finished within its limits, so this is
// a last resort.
const heapLimit = 2 << 30

func watchHeap() {
	var m runtime.MemStats
	for {
		time.Sleep(100 * time.Millisecond)
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > heapLimit {
			fmt.Fprintf(os.Stderr, "oracle: heap over %d bytes: stopping\n", heapLimit)
			os.Exit(3)
		}
	}
}

func main() {
	go watchHeap()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		var resp response
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			resp = response{Err: []byte("oracle: bad request: " + err.Error())}
		} else {
			switch req.Op {
			case "template":
				resp = renderTemplate(req)
			case "regexp":
				resp = runRegexp(req)
			default:
				resp = response{Err: []byte("oracle: unknown op " + req.Op)}
			}
		}
		if err := enc.Encode(resp); err != nil {
			fmt.Fprintln(os.Stderr, "oracle:", err)
			os.Exit(1)
		}
		// answer each request at once: the caller waits for it before sending the next batch
		if err := out.Flush(); err != nil {
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(1)
	}
}
