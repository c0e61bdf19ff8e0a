;;; emacs_test.el --- Emacs + eglot end to end, with the README's set-up snippet  -*- lexical-binding: t -*-
;;
;; Run by tests/editors/run.sh as
;;   PATH=<dir of seedls>:$PATH SEEDLS_README=<README.md> SEEDLS_WS=<workspace> SEEDLS_OUTSIDE=<folder> \
;;     emacs --batch -Q -l emacs_test.el
;; (SEEDLS_OUTSIDE: tests/editors/outside copied to a folder in no corpus and no git repository.)
;; Exits 0 when every check passed, 1 otherwise.

(require 'cl-lib)
(require 'subr-x)

(defvar seedls-test-ws (file-name-as-directory (getenv "SEEDLS_WS")))
(defvar seedls-test-outside (file-name-as-directory (getenv "SEEDLS_OUTSIDE")))

(defun seedls-test-log (fmt &rest args)
  (princ (format "emacs %s: %s\n" emacs-version (apply #'format fmt args)) #'external-debugging-output))

(defun seedls-test-fail (fmt &rest args)
  (error "%s" (apply #'format fmt args)))

(defun seedls-test-wait (seconds what pred)
  "Pump process output until PRED returns non-nil, or fail after SECONDS."
  (let ((deadline (+ (float-time) seconds)) result)
    (while (and (not (setq result (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or result (seedls-test-fail "timed out waiting for %s" what))))

;; Debian's eglot (elpa-eglot), hidden by -Q.
(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(setq package-user-dir (expand-file-name "elpa" (getenv "XDG_DATA_HOME")))
(package-initialize)

(defun seedls-test-readme-snippet ()
  "The elisp block of the README's Emacs section."
  (with-temp-buffer
    (insert-file-contents (getenv "SEEDLS_README"))
    (goto-char (point-min))
    (unless (re-search-forward "^### Emacs" nil t) (seedls-test-fail "README has no Emacs section"))
    (re-search-forward "^```elisp\n")
    (let ((start (point)))
      (re-search-forward "^```$")
      (buffer-substring-no-properties start (match-beginning 0)))))

(defun seedls-test-goto (needle &optional offset)
  (goto-char (point-min))
  (unless (search-forward needle nil t) (seedls-test-fail "%S not in %s" needle (buffer-name)))
  (goto-char (+ (match-beginning 0) (or offset 0))))

(defun seedls-test-run ()
  ;; The README's set-up, as a user would paste it into init.el.
  (eval (car (read-from-string (concat "(progn " (seedls-test-readme-snippet) ")"))) t)
  (require 'eglot)
  (seedls-test-log "eglot from %s, seedls %s" (locate-library "eglot") (executable-find "seedls"))
  (unless (executable-find "seedls") (seedls-test-fail "seedls not on PATH"))

  ;; Modes: by folder, by header (well-formed or not), by a registry above, and plain text
  ;; outside any corpus left alone.
  (let ((plain (find-file-noselect (concat seedls-test-outside "plain.txt"))))
    (with-current-buffer plain
      (when (derived-mode-p 'seed-mode) (seedls-test-fail "plain.txt is in seed-mode"))))
  (dolist (file (list (concat seedls-test-ws "notes/intro.txt")        ; a header
                      (concat seedls-test-ws "articles/malformed.txt") ; ` date 2022/01'
                      (concat seedls-test-ws "notes/draft.txt")        ; no header, a registry above
                      (concat seedls-test-outside "header.txt")))      ; `Date:', no corpus
    (with-current-buffer (find-file-noselect file)
      (unless (eq major-mode 'seed-mode) (seedls-test-fail "%s is in %s" file major-mode))))
  (switch-to-buffer (find-file-noselect (concat seedls-test-ws "seeds/002_0123456789abcdef.txt")))
  (unless (eq major-mode 'seed-mode) (seedls-test-fail "seeds/002 is in %s" major-mode))
  (seedls-test-log "seed-mode by folder, by header, by a malformed header and by a registry above")

  ;; eglot-ensure connects from the command loop, which batch mode does not run.
  (run-hooks 'post-command-hook)
  (let ((server (seedls-test-wait 20 "eglot to connect" #'eglot-current-server)))
    (seedls-test-wait 20 "eglot to manage the buffer" (lambda () (bound-and-true-p eglot--managed-mode)))
    (let ((root (expand-file-name (project-root (eglot--project server)))))
      (unless (equal (file-name-as-directory root) (expand-file-name seedls-test-ws))
        (seedls-test-fail "project root %s, not %s" root seedls-test-ws)))
    (seedls-test-log "eglot connected: %s" (eglot--project-nickname server))

    ;; Diagnostics through flymake: the unknown type is an error where it is written.
    (let (found)
      (seedls-test-wait
       20 "flymake to report A004"
       (lambda ()
         (flymake-start)
         (setq found (cl-find-if (lambda (d) (string-match-p "unknown type `plac'\\|unknown type `plac`"
                                                           (flymake-diagnostic-text d)))
                                 (flymake-diagnostics)))))
      (unless (eq (flymake-diagnostic-type found) 'eglot-error)
        (seedls-test-fail "A004 has type %s" (flymake-diagnostic-type found)))
      (unless (equal (buffer-substring (flymake-diagnostic-beg found) (flymake-diagnostic-end found)) "plac")
        (seedls-test-fail "A004 covers %S" (buffer-substring (flymake-diagnostic-beg found)
                                                             (flymake-diagnostic-end found))))
      (unless (cl-find-if (lambda (d) (and (eq (flymake-diagnostic-type d) 'eglot-warning)
                                           (string-match-p "xx.newcomer" (flymake-diagnostic-text d))))
                          (flymake-diagnostics))
        (seedls-test-fail "no A005 warning: %S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
      (seedls-test-log "flymake: %d diagnostics, A004 on `plac'" (length (flymake-diagnostics))))

    ;; The malformed header is diagnosed in its own buffer (H002 on the date).
    (with-current-buffer (get-file-buffer (concat seedls-test-ws "articles/malformed.txt"))
      (seedls-test-wait 20 "eglot to manage articles/malformed.txt" (lambda () (bound-and-true-p eglot--managed-mode)))
      (let ((h002 (seedls-test-wait
                   20 "flymake to report H002 in articles/malformed.txt"
                   (lambda ()
                     (flymake-start)
                     (cl-find-if (lambda (d) (string-match-p "2022/01" (flymake-diagnostic-text d)))
                                 (flymake-diagnostics))))))
        (unless (eq (flymake-diagnostic-type h002) 'eglot-error)
          (seedls-test-fail "H002 has type %s" (flymake-diagnostic-type h002)))
        (seedls-test-log "flymake: H002 in articles/malformed.txt")))

    ;; Hover (what eldoc shows), as a request of the managed buffer.
    (seedls-test-goto "[Tokaïev]" 2)
    (let* ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
           (contents (plist-get hover :contents))
           (text (if (stringp contents) contents (plist-get contents :value))))
      (unless (and text (string-match-p "Kassym-Jomart Tokaïev" text))
        (seedls-test-fail "hover: %S" hover))
      (seedls-test-log "hover: Kassym-Jomart Tokaïev"))

    ;; Definition through xref: into the registry row.
    (seedls-test-goto "[Tokaïev]" 2)
    (call-interactively #'xref-find-definitions)
    (seedls-test-wait 10 "xref to jump into entities.tsv"
                      (lambda () (string-suffix-p "/entities.tsv" (or buffer-file-name ""))))
    (unless (looking-at-p "kz\\.tokayev\t")
      (seedls-test-fail "definition at line %d: %S" (line-number-at-pos)
                        (buffer-substring (line-beginning-position) (line-end-position))))
    (seedls-test-log "xref definition: entities.tsv line %d" (line-number-at-pos))

    ;; The registry is managed by the same server: a hover on a row shows the id's usage.
    (seedls-test-wait 10 "eglot to manage entities.tsv" (lambda () (bound-and-true-p eglot--managed-mode)))
    (unless (eq (eglot-current-server) server) (seedls-test-fail "entities.tsv has a server of its own"))
    (let* ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
           (contents (plist-get hover :contents))
           (text (if (stringp contents) contents (plist-get contents :value))))
      (unless (and text (string-match-p "Mentioned" text))
        (seedls-test-fail "hover on a registry row: %S" hover))
      (seedls-test-log "entities.tsv in %s, managed; hover on a row" major-mode))

    ;; Definition of an id with no registry row: the article that introduced it.
    (switch-to-buffer (get-file-buffer (concat seedls-test-ws "seeds/002_0123456789abcdef.txt")))
    (seedls-test-goto "xx.newcomer" 3)
    (call-interactively #'xref-find-definitions)
    (seedls-test-wait 10 "xref to jump to notes/intro.txt"
                      (lambda () (string-suffix-p "/notes/intro.txt" (or buffer-file-name ""))))
    (unless (string-match-p "{person:xx.newcomer}" (buffer-substring (line-beginning-position) (line-end-position)))
      (seedls-test-fail "first mention at line %d" (line-number-at-pos)))
    (seedls-test-log "xref definition: notes/intro.txt line %d" (line-number-at-pos))

    ;; A row typed into the registry (unsaved) registers the id: the article's A005 goes.
    (let ((registry (get-file-buffer (concat seedls-test-ws "entities.tsv"))))
      (with-current-buffer registry
        (goto-char (point-max))
        (unless (bolp) (insert "\n"))
        (insert "xx.newcomer\tperson\tNouveau venu\n")
        ;; Sent after idle time, which batch mode never has.
        (eglot--signal-textDocument/didChange))
      (with-current-buffer (get-file-buffer (concat seedls-test-ws "seeds/002_0123456789abcdef.txt"))
        (seedls-test-wait
         20 "the A005 of xx.newcomer to go"
         (lambda ()
           (flymake-start)
           (not (cl-find-if (lambda (d) (string-match-p "xx\\.newcomer" (flymake-diagnostic-text d)))
                            (flymake-diagnostics))))))
      (unless (buffer-modified-p registry) (seedls-test-fail "entities.tsv was saved"))
      (seedls-test-log "a row typed into entities.tsv (unsaved): A005 gone"))))

(run-at-time 90 nil (lambda ()
                      (seedls-test-log "FAIL: watchdog: not finished in 90 s")
                      (kill-emacs 1)))

(condition-case err
    (progn
      (seedls-test-run)
      (seedls-test-log "PASS")
      (ignore-errors (eglot-shutdown-all))
      (kill-emacs 0))
  (error
   (seedls-test-log "FAIL: %s" (error-message-string err))
   (kill-emacs 1)))
