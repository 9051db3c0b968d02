// The baseline for the fast-path benchmark: the cheapest Rust process that prints a line.
fn main() {
    println!("hello");
}
