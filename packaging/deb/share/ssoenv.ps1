# ssoenv shell integration for PowerShell, printed by `ssoenv init powershell`. In $PROFILE:
#     Invoke-Expression (& ssoenv init powershell | Out-String)
# It keeps the credentials that `ssoenv use PROFILE` put into this session valid: before each
# prompt it compares $Env:SSOENV_EXPIRES_AT with the system clock, and only when they are due it
# runs ssoenv to export the same profile again (signing in if needed). Works under
# Set-StrictMode; wraps the existing prompt once, however often this is evaluated.

if (-not (Test-Path Variable:global:__ssoenv_backoff_until)) { $global:__ssoenv_backoff_until = 0 }
if (-not (Test-Path Variable:global:__ssoenv_attempt)) { $global:__ssoenv_attempt = $false }

# `ssoenv use PROFILE` and `ssoenv off` change this session; anything else runs the binary as
# it is.
function global:ssoenv {
    $command = if ($args.Count -gt 0) { [string]$args[0] } else { '' }
    if ($command -ne 'use' -and $command -ne 'off') {
        & '/usr/bin/ssoenv' @args
        return
    }
    $rest = @($args | Select-Object -Skip 1)
    if ($command -eq 'use') {
        $code = & '/usr/bin/ssoenv' use --shell powershell '--min-valid' '12m30s' @rest | Out-String
    } else {
        $code = & '/usr/bin/ssoenv' off --shell powershell @rest | Out-String
    }
    if ($LASTEXITCODE -ne 0) { return }
    if ($code) { Invoke-Expression $code }
    $global:__ssoenv_backoff_until = 0
    $global:__ssoenv_attempt = $false
}

# Starts no process while the credentials have more than 600 seconds left.
function global:__ssoenv_hook {
    $code = ''
    if ($global:__ssoenv_attempt) {
        # The last refresh never came back (Ctrl-C): back off rather than sign in again.
        $code = & '/usr/bin/ssoenv' hook powershell '--refresh-before' '10m' '--retry-after' '5m' --interrupted | Out-String
    } else {
        if (-not $Env:SSOENV_PROFILE) { return }
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $until = [long]0
        if ([long]::TryParse([string]$global:__ssoenv_backoff_until, [ref]$until) -and $now -lt $until) { return }
        $expires = [long]0
        if ([long]::TryParse([string]$Env:SSOENV_EXPIRES_AT, [ref]$expires) -and $now -lt $expires - 600) { return }
        # Marked before the run, cleared when it comes back: a mark left over means Ctrl-C.
        $global:__ssoenv_attempt = $true
        $code = & '/usr/bin/ssoenv' hook powershell '--refresh-before' '10m' '--retry-after' '5m' "--backoff-until=$global:__ssoenv_backoff_until" | Out-String
    }
    $global:__ssoenv_attempt = $false
    if ($code) { Invoke-Expression $code }
}

if (-not (Test-Path Variable:global:__ssoenv_original_prompt)) {
    $global:__ssoenv_original_prompt = $function:prompt
    function global:prompt {
        # First thing: every command changes $?.
        $succeeded = $?
        $hadExitCode = Test-Path Variable:global:LASTEXITCODE
        $exitCode = if ($hadExitCode) { $global:LASTEXITCODE } else { 0 }
        try { __ssoenv_hook } catch { Write-Warning "ssoenv: $_" }
        if ($hadExitCode) { $global:LASTEXITCODE = $exitCode }
        else { Remove-Variable -Name LASTEXITCODE -Scope Global -ErrorAction Ignore }
        # $? cannot be assigned; a failing command that records nothing makes it false again
        # for the original prompt.
        if (-not $succeeded) { Write-Error '' -ErrorAction Ignore }
        if ($null -ne $global:__ssoenv_original_prompt) {
            & $global:__ssoenv_original_prompt
        } else {
            "PS $($ExecutionContext.SessionState.Path.CurrentLocation)> "
        }
    }
}
