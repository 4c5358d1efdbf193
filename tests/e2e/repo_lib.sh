# repo_lib.sh — make_signed_repo DIR: a git repository made here with git,
# gpg and ssh-keygen (sourced by collect_repo.sh and policy_packs.sh, after
# lib.sh).  Throwaway keys without passphrase in $TMP: an OpenPGP key
# (gpg --quick-gen-key in GNUPGHOME=$TMP/gnupg, exported for the caller),
# a second one whose public key is deleted after it signed, an SSH key
# listed in gpg.ssh.allowedSignersFile and one that is not.  Commits on
# main: "unsigned", "gpg" (signed with the OpenPGP key), "ssh" (signed with
# the listed SSH key; HEAD).  Tags:
#   v1.0  annotated, OpenPGP-signed          v1.1  annotated, unsigned
#   v1.2  lightweight                        v2.0  annotated, SSH-signed (listed key)
#   v2.1  annotated, SSH-signed, key not in the allowed signers file
#   v2.2  annotated, OpenPGP-signed by the key deleted afterwards
#   build-7  annotated, unsigned (no release tag: outside the v* glob)
make_signed_repo() {
    local dir=$1 keys=$TMP/keys
    export GNUPGHOME=$TMP/gnupg
    mkdir -p -m 700 "$GNUPGHOME" "$keys"
    gpg --batch --passphrase '' --quick-gen-key 'Release Key <release@example.com>' ed25519 sign never 2>/dev/null
    gpg --batch --passphrase '' --quick-gen-key 'Gone Key <gone@example.com>' ed25519 sign never 2>/dev/null
    local fpr gone
    fpr=$(gpg --list-secret-keys --with-colons release@example.com | awk -F: '/^fpr/ {print $10; exit}')
    gone=$(gpg --list-secret-keys --with-colons gone@example.com | awk -F: '/^fpr/ {print $10; exit}')
    ssh-keygen -q -t ed25519 -N '' -C listed -f "$keys/listed"
    ssh-keygen -q -t ed25519 -N '' -C unlisted -f "$keys/unlisted"
    echo "release@example.com $(cat "$keys/listed.pub")" >"$keys/allowed_signers"
    git init -q -b main "$dir"
    (
        cd "$dir"
        git config user.name 'Release Manager'
        git config user.email release@example.com
        git config gpg.ssh.allowedSignersFile "$keys/allowed_signers"
        export GIT_AUTHOR_DATE='2025-08-01T00:00:00Z' GIT_COMMITTER_DATE='2025-08-01T00:00:00Z'
        echo 1 >f && git add f && git commit -q -m unsigned
        echo 2 >f && git -c user.signingkey="$fpr" commit -q -a -S -m gpg
        git tag -s -u "$fpr" -m 'release 1.0' v1.0
        git tag -a -m 'release 1.1' v1.1
        git tag v1.2
        git tag -a -m 'build 7' build-7
        git tag -s -u "$gone" -m 'release 2.2' v2.2
        echo 3 >f && git -c gpg.format=ssh -c user.signingkey="$keys/listed" commit -q -a -S -m ssh
        git -c gpg.format=ssh -c user.signingkey="$keys/listed" tag -s -m 'release 2.0' v2.0
        git -c gpg.format=ssh -c user.signingkey="$keys/unlisted" tag -s -m 'release 2.1' v2.1
    )
    gpg --batch --yes --delete-secret-and-public-key "$gone" 2>/dev/null
}
