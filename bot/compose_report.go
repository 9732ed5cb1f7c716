package bot

import (
	"fmt"
	"time"
)

// How `/pyq reports` looks: the open reports as a table.

// reportsPost is `/pyq reports`: the workspace's open reports, oldest first, marking the questions
// they hide; times in loc.
func reportsPost(reports []Report, loc *time.Location) Post {
	if len(reports) == 0 {
		return Post{Title: "Open reports", Text: "No open reports."}
	}
	per := map[string]int{}
	for _, rep := range reports {
		per[rep.QuestionID]++
	}
	table := &Table{Columns: []string{"ID", "Question", "By", "When", "Report"}}
	for _, rep := range reports {
		q := rep.QuestionID
		if rep.PostID > 0 {
			q = fmt.Sprintf("#%d %s", rep.PostID, q)
		}
		if per[rep.QuestionID] >= HideAtReports {
			q += " (hidden)"
		}
		table.Rows = append(table.Rows, []string{fmt.Sprint(rep.ID), q, rep.User.Name,
			rep.CreatedAt.In(loc).Format("Mon 2 Jan 15:04"), rep.Text})
	}
	return Post{Title: "Open reports", Table: table,
		Footer: fmt.Sprintf("A question with %d open reports is not picked in this workspace. Clear one with `/pyq reports clear ID` once it is fixed or answered.", HideAtReports)}
}
