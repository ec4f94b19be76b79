// Word splitting and quoting with the rules of a POSIX shell, done at wrap
// time so both wrapper kinds see the same arguments.
#pragma once

#include <string>
#include <vector>

namespace shelf::wrap {

// Splits `text` into words the way sh splits a command line: blanks
// separate words; '…' quotes everything, "…" quotes all but \$ \` \" \\ and
// \newline escapes; a backslash outside quotes escapes the next byte.
// Nothing is expanded ($HOME and `cmd` stay literal, no globbing).
// Throws wrap::Error (naming `context`) on an unterminated quote.
std::vector<std::string> split_shell_words(const std::string& text, const std::string& context);

// Quotes `value` for sh so it reads back as exactly these bytes: '…' with
// every ' written as '\''. Works for every byte but NUL.
std::string shell_quote(const std::string& value);

}  // namespace shelf::wrap
