//! Hostile workspaces: `check` must finish, report, and skip what it cannot read, whatever the
//! files hold: binary markdown, invalid UTF-8, a 50 MB file, symlink loops, a FIFO, an
//! unreadable file, pathological nesting, a 400,000-character glob, and an alias bomb in a
//! provenance record.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn hostile_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".aiwg/intake/project-intake.md", b"# Intake\n\nSee @.aiwg/missing.md for more.\n");
    write(root, "binary.md", b"# Looks like markdown\n\0\x01\x02\xff binary payload");
    write(root, "invalid-utf8.md", b"# Caf\xe9 \xff\xfe\n\nA reference @.aiwg/intake/project-intake.md survives.\n");
    // 50 MB: listed, not read.
    let mut huge = std::fs::File::create(root.join("huge.md")).unwrap();
    let line = "A line with @.aiwg/intake/project-intake.md and `code` in it, repeated.\n".repeat(1000);
    for _ in 0..(50 * 1024 * 1024 / line.len() + 1) {
        huge.write_all(line.as_bytes()).unwrap();
    }
    // Pathological structure within the size limit.
    let mut deep = String::from("# Deep\n\n");
    deep.push_str(&">".repeat(50_000));
    deep.push_str(" quote\n\n");
    deep.push_str(&"- ".repeat(20_000));
    deep.push_str("item\n\n");
    deep.push_str(&"`".repeat(200_000));
    deep.push('\n');
    deep.push_str(&"[".repeat(100_000));
    deep.push_str("\n```\nunclosed fence @.aiwg/x.md\n");
    write(root, "deep.md", deep.as_bytes());
    write(root, "crlf.md", b"# Title\r\n\r\nSee @.aiwg/intake/project-intake.md\r\n");
    write(root, "empty.md", b"");
    // A glob reference long enough to make the glob library panic if it were ever compiled.
    let glob = format!("# Glob\n\nSee @docs/{}* and @docs/{}*.\n", "x".repeat(400_000), "y".repeat(2_000));
    write(root, "glob.md", glob.as_bytes());
    // An alias bomb: nine levels of nine aliases each would expand to 387 million nodes.
    let mut bomb = String::from(
        "entity:\n  id: urn:aiwg:artifact:x.md\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, prev) in ('b'..='j').zip('a'..='i') {
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    write(root, ".aiwg/research/provenance/records/bomb.prov.yaml", bomb.as_bytes());
    write(root, ".aiwg/research/provenance/records/broken.prov.yaml", b"entity: [unclosed\n  - : :\n\t\0");
    #[cfg(unix)]
    {
        use std::os::unix::fs::{PermissionsExt, symlink};
        symlink("loop-b.md", root.join("loop-a.md")).unwrap();
        symlink("loop-a.md", root.join("loop-b.md")).unwrap();
        std::fs::create_dir_all(root.join("dir")).unwrap();
        symlink("..", root.join("dir/self")).unwrap();
        symlink("/etc/hostname", root.join("outside.md")).unwrap();
        symlink("nowhere.md", root.join("dangling.md")).unwrap();
        write(root, "unreadable.md", b"# Secret\n");
        std::fs::set_permissions(root.join("unreadable.md"), std::fs::Permissions::from_mode(0o000)).unwrap();
        let status = Command::new("mkfifo").arg(root.join("pipe.md")).status().expect("mkfifo runs");
        assert!(status.success(), "mkfifo failed");
    }
    dir
}

#[test]
fn check_survives_a_hostile_workspace() {
    let workspace = hostile_workspace();
    let mut child = Command::new(env!("CARGO_BIN_EXE_aiwg-lsp"))
        .args(["check", "--format", "json"])
        .arg(workspace.path())
        .env_remove("AIWG_ROOT")
        .env("HOME", workspace.path().join("no-home"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // A hang is the failure this test exists for, so wait with a bound instead of forever.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("check did not finish on the hostile workspace");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status.code(), Some(1), "a broken reference in prose is an error; stderr: {stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
    let summary = &report["summary"];
    assert!(summary["skipped_files"].as_u64().unwrap() >= 3, "{summary}");
    for skipped in ["binary.md", "huge.md", "loop-a.md", "pipe.md"] {
        assert!(stderr.contains(skipped), "stderr names {skipped}: {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The invalid UTF-8 and CRLF documents were still read, and their references resolved.
    let documents = summary["documents"].as_u64().unwrap();
    assert!(documents >= 5, "{summary}");
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().any(|d| d["path"] == ".aiwg/intake/project-intake.md" && d["code"] == "broken-reference")
    );
    assert!(!diagnostics.iter().any(|d| d["path"] == "invalid-utf8.md" || d["path"] == "crlf.md"), "{diagnostics:#?}");
    assert!(!diagnostics.iter().any(|d| d["path"] == "outside.md"), "a symlink out of the root is not followed");
}
