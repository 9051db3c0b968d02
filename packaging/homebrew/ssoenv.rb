# Homebrew formula for ssoenv, on paper: it has not been run (no macOS machine and no published
# crate yet). Once ssoenv is on crates.io, fill in `sha256` (of the .crate file) and put this file
# in a tap (`brew tap-new`, then Formula/ssoenv.rb).
class Ssoenv < Formula
  desc "Short-term AWS credentials from IAM Identity Center (SSO) in your shell, kept fresh"
  homepage "https://github.com/ssoenv/ssoenv"
  url "https://static.crates.io/crates/ssoenv/ssoenv-0.1.0.crate"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license any_of: ["MIT", "Apache-2.0"]

  depends_on "rust" => :build

  def install
    system "cargo", "install", *std_cargo_args
    # The crate carries the generated man pages and completion scripts (Cargo.toml `include`).
    man1.install Dir["doc/*.1"]
    bash_completion.install "completions/ssoenv.bash" => "ssoenv"
    zsh_completion.install "completions/_ssoenv"
    fish_completion.install "completions/ssoenv.fish"
    # The shell integration, rendered for the path that survives upgrades (not the Cellar's).
    installed = HOMEBREW_PREFIX/"bin/ssoenv"
    { "bash" => "bash", "zsh" => "zsh", "fish" => "fish", "elvish" => "elv", "xonsh" => "xsh",
      "nushell" => "nu", "powershell" => "ps1" }.each do |shell, extension|
      (pkgshare/"ssoenv.#{extension}").write \
        Utils.safe_popen_read(bin/"ssoenv", "init", shell, "--ssoenv-path", installed)
    end
    (pkgshare/"direnvrc.bash").write \
      Utils.safe_popen_read(bin/"ssoenv", "direnv", "--ssoenv-path", installed)
  end

  def caveats
    <<~EOS
      To keep the credentials valid in every shell, add to ~/.zshrc (or ~/.bashrc):
        source #{opt_pkgshare}/ssoenv.zsh
    EOS
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/ssoenv --version")
    (testpath/".aws/config").write "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n" \
                                   "sso_role_name = Dev\n[sso-session corp]\n" \
                                   "sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
    assert_match "dev", shell_output("#{bin}/ssoenv list")
  end
end
