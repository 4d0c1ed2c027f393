//! Word lists for the person-name heuristic, written for this crate: common given names
//! (English, French, German, Spanish) that are rarely ordinary words, and capitalized words
//! that follow a given name without making a person ("Victoria Station", "Jackson Street").

use std::collections::HashSet;
use std::sync::LazyLock;

/// Left out on purpose: names that are also common words or places (Will, Mark, Grace, Hope,
/// May, June, Jordan, Georgia, Paris, Austin, Chase, Hunter, Taylor, Mason…) and programming
/// languages (Ada, Julia, Ruby), which would make sentence starts and titles look like people.
const GIVEN_NAMES: &[&str] = &[
    // English
    "Aaron", "Abigail", "Adam", "Alan", "Albert", "Alexander", "Alexandra", "Alice", "Alicia", "Allison", "Amanda", "Amy", "Andrea",
    "Andrew", "Angela", "Anna", "Anne", "Anthony", "Arthur", "Ashley", "Barbara", "Benjamin", "Betty", "Beverly", "Bradley", "Brandon",
    "Brenda", "Brian", "Bruce", "Bryan", "Caleb", "Carl", "Carlos", "Caroline", "Catherine", "Charles", "Cheryl", "Christina",
    "Christine", "Christopher", "Cynthia", "Daniel", "David", "Deborah", "Debra", "Denise", "Dennis", "Diana", "Diane", "Donald",
    "Donna", "Dorothy", "Douglas", "Dylan", "Edward", "Elizabeth", "Emily", "Emma", "Eric", "Ethan", "Evelyn", "Gabriel", "Gary",
    "George", "Gerald", "Gregory", "Hannah", "Harold", "Heather", "Helen", "Henry", "Isabella", "Jacob", "James", "Janet", "Janice",
    "Jason", "Jeffrey", "Jennifer", "Jeremy", "Jessica", "Joan", "John", "Jonathan", "Joseph", "Joshua", "Joyce", "Judith", "Judy",
    "Julie", "Justin", "Karen", "Katherine", "Kathleen", "Kathryn", "Keith", "Kenneth", "Kevin", "Kimberly", "Kyle", "Larry",
    "Laura", "Lauren", "Linda", "Lisa", "Logan", "Louis", "Margaret", "Maria", "Marie", "Marilyn", "Martha", "Mary", "Matthew",
    "Megan", "Melissa", "Michael", "Michelle", "Nancy", "Natalie", "Nathan", "Nicholas", "Nicole", "Noah", "Olivia", "Pamela",
    "Patricia", "Patrick", "Paul", "Peter", "Philip", "Rachel", "Ralph", "Randy", "Raymond", "Rebecca", "Richard", "Robert", "Roger",
    "Ronald", "Russell", "Ryan", "Samantha", "Samuel", "Sandra", "Sara", "Sarah", "Scott", "Sean", "Sharon", "Shirley", "Sophia",
    "Stephanie", "Stephen", "Steven", "Susan", "Teresa", "Theresa", "Thomas", "Timothy", "Tyler", "Vincent", "Walter", "Wayne",
    "William", "Zachary", "Oliver", "Amelia", "Charlotte", "Harper", "Liam", "Lucas", "Mia", "Chloe", "Zoe", "Leah", "Ella",
    "Jacqueline", "Kelly", "Kayla", "Lucy", "Molly", "Sophie", "Jane", "Jim", "Tom", "Bob", "Tim", "Ben", "Sam", "Dan", "Joe",
    "Mike", "Dave", "Steve", "Chris", "Kate", "Katie", "Jenny", "Liz", "Nick", "Alex", "Tony", "Jeff", "Greg", "Ken", "Ron",
    // French
    "Jean", "Pierre", "Jacques", "Michel", "François", "Françoise", "Philippe", "Nicolas", "Isabelle", "Nathalie", "Sylvie",
    "Catherine", "Stéphane", "Christophe", "Sébastien", "Julien", "Camille", "Chloé", "Léa", "Manon", "Amélie", "Céline", "Hélène",
    "Antoine", "Mathieu", "Guillaume", "Thierry", "Olivier", "Valérie", "Sandrine", "Aurélie", "Émilie", "Élodie", "Benoît",
    // German
    "Hans", "Jürgen", "Klaus", "Wolfgang", "Stefan", "Andreas", "Thomas", "Uwe", "Dieter", "Günter", "Helmut", "Matthias", "Tobias",
    "Lukas", "Jonas", "Felix", "Sabine", "Ursula", "Monika", "Petra", "Claudia", "Birgit", "Katrin", "Anja", "Jana", "Lena", "Leonie",
    "Johanna", "Greta", "Heinz", "Karl", "Fritz", "Sven", "Björn", "Jörg",
    // Spanish
    "José", "Juan", "Luis", "Javier", "Miguel", "Alejandro", "Pablo", "Sergio", "Jorge", "Diego", "Alberto", "Fernando", "Francisco",
    "Antonio", "Manuel", "Rafael", "Pedro", "Carmen", "Lucía", "Marta", "Elena", "Isabel", "Pilar", "Cristina", "Raquel", "Beatriz",
    "Rosa", "Ana", "Laura", "Sofía", "Valentina", "Camila", "Alejandra", "Guadalupe", "Dolores", "Mercedes", "Consuelo",
];

/// Capitalized words that, after a given name, make a place, an organisation or a date rather
/// than a surname; plus the stand-in surnames of placeholder names ("John Doe").
const NOT_SURNAMES: &[&str] = &[
    "Street", "Station", "Park", "Center", "Centre", "University", "College", "Hospital", "School", "Bank", "Road", "Avenue", "Square",
    "Hall", "House", "Airport", "Bridge", "River", "Lake", "Mountain", "County", "City", "State", "Island", "Beach", "Valley",
    "Church", "Cathedral", "Museum", "Hotel", "Company", "Inc", "Corp", "Ltd", "Group", "Foundation", "Institute", "Library",
    "Award", "Prize", "Day", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "The", "And", "Or", "But",
    "Is", "Was", "Has", "Had", "Said", "Says", "Will", "Would", "Can", "Could", "Should", "If", "When", "Then", "Here", "There",
    "This", "That", "Doe", "Roe", "Example", "Sample", "Placeholder", "Public", "Test", "Dummy", "Bay", "Harbor", "Harbour",
    "Falls", "Heights", "Hills", "Gardens", "Way", "Lane", "Drive", "Boulevard", "Court", "Place", "Terrace", "Chapel", "Abbey",
    "Castle", "Palace", "Tower", "Stadium", "Arena", "Theatre", "Theater", "Mall", "Market", "Cup", "Games", "Show", "Project",
    "Language", "Framework", "Library", "Model", "Team", "Club", "Fund", "Trust", "Society", "Association", "Council", "Act",
];

pub(super) static GIVEN: LazyLock<HashSet<&'static str>> = LazyLock::new(|| GIVEN_NAMES.iter().copied().collect());
pub(super) static NOT_SURNAME: LazyLock<HashSet<&'static str>> = LazyLock::new(|| NOT_SURNAMES.iter().copied().collect());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_words_are_not_given_names() {
        for word in ["Will", "Mark", "Grace", "May", "Jordan", "Paris", "New", "United", "Ruby", "Julia"] {
            assert!(!GIVEN.contains(word), "{word}");
        }
        assert!(GIVEN.contains("Sarah") && GIVEN.contains("José"));
        assert!(NOT_SURNAME.contains("Doe") && NOT_SURNAME.contains("Station"));
    }
}
